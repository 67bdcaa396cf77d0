// Function `setup` (developer, once): create Tixing's collections and report the indexes to create in the console.
import { z } from 'zod';
import { action, ActionTable, dispatchAction } from '../../../core/actions';
import { seedDemoEvents } from '../../../core/events';
import { runSetup } from '../../../core/setup';
import indexes from '../../../config/indexes.json';
import { isAdmin } from '../../../adapters/admins';
import { appConfig, currentCaller, initCloud } from '../../../adapters/runtime';
import { setupStore } from '../../../adapters/setup-store';
import { createEventStore } from '../../../adapters/stores/events';

initCloud();

const table: ActionTable<null> = {
  run: action({
    // `{ demo: true }` also seeds the demo events (活动) of the reminders page: fixed ids, so running it again
    // refreshes the same documents (their start times move to be upcoming again).
    schema: z.object({ demo: z.boolean().optional() }).strict(),
    admin: true,
    run: async (_deps, input) => {
      // Which configuration this environment runs with (config/tixing.json `environments`), so a deploy can be checked.
      const c = appConfig();
      const environment = { envId: c.envId, matched: c.matched, miniprogramState: c.miniprogramState, admins: c.admins.length, testWhitelist: c.testWhitelist.length };
      const report = { ...(await runSetup(setupStore, indexes.collections)), environment };
      if (!input.demo) return report;
      return { ...report, demoEvents: await seedDemoEvents(createEventStore(), Date.now(), appConfig().zone) };
    },
  }),
};

export async function main(event: unknown): Promise<unknown> {
  // `setup` takes no input: a bare call `{}` means `{ action: 'run' }` (the event is validated before it is read).
  return dispatchAction(table, null, event, currentCaller(), {
    defaultAction: 'run',
    isAdmin: (_deps, caller) => isAdmin(caller),
    onError: (err) => console.error('setup failed', err),
  });
}
