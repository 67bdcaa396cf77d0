// Function `templates` (admin pages): template registry list and sync (getTemplateList), card preview, test sends.
import { dispatchAction } from '../../../core/actions';
import { isAdmin } from '../../../adapters/admins';
import { currentCaller, initCloud } from '../../../adapters/runtime';
import { sendingDeps } from '../../../adapters/sender';
import { createTemplateStore } from '../../../adapters/stores/templates';
import { createTemplateSource } from '../../../adapters/wechat-sender';
import { table, type TemplatesDeps } from './actions';

initCloud();

const deps: TemplatesDeps = { sending: sendingDeps(), store: createTemplateStore(), source: createTemplateSource() };

export async function main(event: Record<string, unknown>): Promise<unknown> {
  return dispatchAction(table, deps, event, currentCaller(), {
    isAdmin: (_deps, caller) => isAdmin(caller),
    onError: (err) => console.error('templates failed', err),
  });
}
