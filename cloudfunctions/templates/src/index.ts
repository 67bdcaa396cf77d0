// Function `templates` (admin pages): template registry list and sync (getTemplateList), WeChat's template library
// (categories, titles, keywords, add, delete), card preview, test sends.
import { dispatchAction } from '../../../core/actions';
import { isAdmin } from '../../../adapters/admins';
import { currentCaller, initCloud } from '../../../adapters/runtime';
import { sendingDeps } from '../../../adapters/sender';
import { createTemplateStore, DECLARED_TEMPLATES } from '../../../adapters/stores/templates';
import { createTemplateLibrary } from '../../../adapters/template-library';
import { createTemplateSource } from '../../../adapters/wechat-sender';
import { table, type TemplatesDeps } from './actions';

initCloud();

const deps: TemplatesDeps = {
  sending: sendingDeps(),
  store: createTemplateStore(),
  source: createTemplateSource(),
  library: createTemplateLibrary(),
  declaredIds: new Set(DECLARED_TEMPLATES.map((t) => t._id)),
};

export async function main(event: Record<string, unknown>): Promise<unknown> {
  return dispatchAction(table, deps, event, currentCaller(), {
    isAdmin: (_deps, caller) => isAdmin(caller),
    onError: (err) => console.error('templates failed', err),
  });
}
