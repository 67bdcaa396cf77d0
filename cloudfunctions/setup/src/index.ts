// Function `setup` (developer, once): create Tixing's collections and report the indexes to create in the console.
import { z } from 'zod';
import { action, ActionTable, dispatchAction } from '../../../core/actions';
import { runSetup } from '../../../core/setup';
import indexes from '../../../config/indexes.json';
import { isAdmin } from '../../../adapters/admins';
import { currentCaller, initCloud } from '../../../adapters/runtime';
import { setupStore } from '../../../adapters/setup-store';

initCloud();

const table: ActionTable<null> = {
  run: action({
    schema: z.object({}).strict(),
    admin: true,
    run: () => runSetup(setupStore, indexes.collections),
  }),
};

export async function main(event: Record<string, unknown>): Promise<unknown> {
  // `setup` takes no input: a bare call `{}` means `{ action: 'run' }`.
  const withAction = { action: 'run', ...event };
  return dispatchAction(table, null, withAction, currentCaller(), {
    isAdmin: (_deps, caller) => isAdmin(caller),
    onError: (err) => console.error('setup failed', err),
  });
}
