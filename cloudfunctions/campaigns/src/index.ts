// Function `campaigns` (admin pages): create, edit, schedule, pause/resume/cancel, audience preview, test send,
// list, get and stats of campaigns. Admins only (config/tixing.json `admins` + the `admins` collection).
import { dispatchAction } from '../../../core/actions';
import { campaignActions } from '../../../core/campaigns/actions';
import { isAdmin } from '../../../adapters/admins';
import { currentCaller, initCloud } from '../../../adapters/runtime';
import { createCampaignDeps } from './deps';

initCloud();

const deps = createCampaignDeps();

export async function main(event: Record<string, unknown>): Promise<unknown> {
  return dispatchAction(campaignActions, deps, event, currentCaller(), {
    isAdmin: (_deps, caller) => isAdmin(caller),
    onError: (err) => console.error('campaigns failed', err),
  });
}
