// Function `subscriptions` (mini program): record a tap's results, list my grants, sync settings, revoke, delete my
// data, read and export my consent history; admins read and export any user's.
import { dispatchAction } from '../../../core/actions';
import { subscriptionsTable } from '../../../core/grants/table';
import { isAdmin } from '../../../adapters/admins';
import { createGrantsDeps } from '../../../adapters/grant-ledger';
import { currentCaller, initCloud } from '../../../adapters/runtime';

initCloud();
const deps = createGrantsDeps();
const table = subscriptionsTable(deps.limits);

export async function main(event: Record<string, unknown>): Promise<unknown> {
  return dispatchAction(table, deps, event, currentCaller(), {
    isAdmin: (_deps, caller) => isAdmin(caller),
    onError: (err) => console.error('subscriptions failed', err),
  });
}
