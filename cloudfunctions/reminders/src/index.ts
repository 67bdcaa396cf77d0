// Function `reminders` (mini program): upcoming events, and personal reminders stored as pending deliveries.
import { dispatchAction } from '../../../core/actions';
import type { RemindersDeps } from '../../../core/reminders/ports';
import { remindersTable } from '../../../core/reminders/table';
import { createHolds, systemClock } from '../../../adapters/grant-ledger';
import { appConfig, currentCaller, initCloud } from '../../../adapters/runtime';
import { createReminderIds } from '../../../adapters/secret';
import { createEventStore } from '../../../adapters/stores/events';
import { createTemplateLookup } from '../../../adapters/stores/templates';
import { createReminderStore } from '../../../adapters/stores/reminders';

initCloud();
const registry = createTemplateLookup();
const holds = createHolds();
// Not adapters/sender's sendConfig: that module bundles the sending pipeline, which this function never uses.
const config = appConfig();
const deps: RemindersDeps = {
  clock: systemClock,
  reminderIds: createReminderIds(),
  events: createEventStore(),
  reminders: createReminderStore(),
  holds,
  registry,
  zone: config.zone,
  miniprogramState: config.miniprogramState,
  lang: config.lang,
};

export async function main(event: Record<string, unknown>): Promise<unknown> {
  return dispatchAction(remindersTable, deps, event, currentCaller(), {
    onError: (err) => console.error('reminders failed', err),
  });
}
