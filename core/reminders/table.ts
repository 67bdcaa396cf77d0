// Core (reminders): the `reminders` action table (mini program): listEvents, create, list, cancel.
import { z } from 'zod';
import { action, ActionTable } from '../actions';
import { id } from '../schema';
import { userOf } from '../grants/table';
import type { RemindersDeps } from './ports';
import { cancelReminder, createReminder, listEvents, listReminders } from './use-cases';

/** Event ids: letters, digits, `_` and `-` (they go unencoded into the card's page query). */
const eventId = () => z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'must be an event id: letters, digits, _ -');

export const remindersTable: ActionTable<RemindersDeps> = {
  listEvents: action({
    schema: z.object({}).strict(),
    run: (deps: RemindersDeps, _input, caller) => listEvents(deps, userOf(caller)),
  }),
  create: action({
    schema: z.object({ eventId: eventId(), minutesBefore: z.number().int().min(1).max(1440).default(10) }).strict(),
    run: (deps: RemindersDeps, input, caller) => createReminder(deps, userOf(caller), input),
  }),
  list: action({
    schema: z.object({}).strict(),
    run: (deps: RemindersDeps, _input, caller) => listReminders(deps, userOf(caller)),
  }),
  cancel: action({
    schema: z.object({ reminderId: id() }).strict(),
    run: (deps: RemindersDeps, input, caller) => cancelReminder(deps, userOf(caller), input.reminderId),
  }),
};
