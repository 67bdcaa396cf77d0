// Core (reminders): personal reminders — create / list / cancel, and the events list the demo page shows.
//
// Grant policy: creating a reminder holds one unit of the user's TPL_EVENT_REMINDER grant for it (a purpose hold,
// core/grants/holds.ts, purpose `reminder:<sourceId>`): one atomic conditional write, so two creates racing for the
// last grant cannot both get it, and a campaign — which reserves only free units — can never spend it. The
// dispatcher's claim turns the held unit into the send's own hold; cancelling the reminder gives it back.
import { Delivery, deliveryId, DeliveryStatus, newDelivery } from '../delivery';
import { DomainError } from '../envelope';
import { ensurePurposeHold } from '../grants/holds';
import { grantId } from '../grants/model';
import type { EventDoc } from '../events';
import { checkReminderData, REMINDER_CONTENT, REMINDER_TEMPLATE, reminderData, reminderPage } from './message';
import type { RemindersDeps } from './ports';

/** Re-creating a reminder after a cancel uses the next slot (`<eventId>:2`, …); ids stay deterministic for the owner (ports.ts ReminderIds). */
const SLOTS_PER_EVENT = 5;
const OPEN: readonly DeliveryStatus[] = ['pending', 'sending'];

export function eventIdOf(d: Pick<Delivery, 'sourceId'>): string {
  return d.sourceId.split(':')[0] ?? d.sourceId;
}

/** The purpose a reminder's held grant unit is kept for. */
export const reminderPurpose = (sourceId: string): string => `reminder:${sourceId}`;

async function holdGrant(deps: RemindersDeps, openid: string, sourceId: string): Promise<void> {
  if ((await ensurePurposeHold(deps.holds, openid, REMINDER_TEMPLATE, reminderPurpose(sourceId))) !== 'none') return;
  throw new DomainError('NO_GRANT', `no free grant for ${REMINDER_TEMPLATE}: ask the user with wx.requestSubscribeMessage first`, {
    templateId: REMINDER_TEMPLATE,
    remaining: 0,
  });
}

async function contentOf(deps: RemindersDeps): Promise<string> {
  const t = (await deps.registry.list()).find((x) => x._id === REMINDER_TEMPLATE);
  return t?.content ?? REMINDER_CONTENT;
}

function newReminder(deps: RemindersDeps, id: string, openid: string, event: EventDoc, sourceId: string, dueAt: number, now: number): Delivery {
  const fields = { sourceType: 'reminder' as const, sourceId, openid, templateId: REMINDER_TEMPLATE, data: reminderData(event, deps.zone) };
  const d = newDelivery({ ...fields, miniprogramState: deps.miniprogramState, lang: deps.lang, purpose: reminderPurpose(sourceId) }, 'pending', now, dueAt);
  d._id = id;
  d.page = reminderPage(event._id, d._id);
  return d;
}

/**
 * The reminder already in a slot: under its id, or, for one created before ids were keyed by a secret (ports.ts
 * ReminderIds), under the old id `reminder:<sourceId>:<openid>`. Without the second look, asking again after that
 * upgrade would write a second reminder for the same event, and the user would get two messages.
 */
async function reminderIn(deps: RemindersDeps, id: string, openid: string, sourceId: string): Promise<Delivery | null> {
  const current = await deps.reminders.get(id);
  const legacyId = deliveryId('reminder', sourceId, openid);
  if (current || legacyId === id) return current;
  const legacy = await deps.reminders.get(legacyId);
  return legacy?.openid === openid ? legacy : null;
}

export async function createReminder(
  deps: RemindersDeps,
  openid: string,
  input: { eventId: string; minutesBefore: number },
): Promise<{ reminderId: string; dueAt: number }> {
  const now = deps.clock.now();
  const event = await deps.events.get(input.eventId);
  if (!event) throw new DomainError('NOT_FOUND', `no event ${input.eventId}`);
  if (event.startAt <= now) throw new DomainError('CONFLICT', 'the event has already started');
  const dueAt = event.startAt - input.minutesBefore * 60_000;
  if (dueAt <= now) throw new DomainError('CONFLICT', `the event starts in less than ${input.minutesBefore} minutes`);
  let slot = 1;
  for (let attempt = 0; attempt < SLOTS_PER_EVENT * 2 && slot <= SLOTS_PER_EVENT; attempt++) {
    const sourceId = slot === 1 ? event._id : `${event._id}:${slot}`;
    const id = await deps.reminderIds.idFor(openid, sourceId);
    const existing = await reminderIn(deps, id, openid, sourceId);
    if (existing && OPEN.includes(existing.status)) {
      // Asking again for the same event is idempotent; another minutesBefore moves the pending reminder.
      if (existing.status === 'pending' && existing.dueAt !== dueAt && (await deps.reminders.reschedule(existing._id, openid, dueAt, now))) {
        return { reminderId: existing._id, dueAt };
      }
      return { reminderId: existing._id, dueAt: existing.dueAt };
    }
    if (existing) {
      slot++;
      continue;
    }
    const reminder = newReminder(deps, id, openid, event, sourceId, dueAt, now);
    const violation = checkReminderData(await contentOf(deps), reminder.data);
    if (violation) throw new DomainError('VALIDATION_FAILED', violation.message, violation);
    // Hold first, then insert: a create that dies in between leaves a hold a retry (same slot, same purpose) reuses.
    await holdGrant(deps, openid, sourceId);
    if (await deps.reminders.insert(reminder)) return { reminderId: reminder._id, dueAt };
    // A concurrent create took this slot: read it again.
  }
  throw new DomainError('CONFLICT', `too many reminders for event ${event._id}`);
}

export async function listReminders(deps: RemindersDeps, openid: string) {
  const docs = await deps.reminders.listByOpenid(openid, 100);
  const ids = [...new Set(docs.map(eventIdOf))];
  const events = new Map<string, EventDoc | null>();
  await Promise.all(ids.map(async (id) => events.set(id, await deps.events.get(id))));
  const reminders = docs
    .map((d) => ({
      id: d._id,
      eventId: eventIdOf(d),
      title: events.get(eventIdOf(d))?.title ?? d.data.thing1?.value ?? '',
      dueAt: d.dueAt,
      status: d.status,
    }))
    .sort((a, b) => a.dueAt - b.dueAt);
  return { reminders };
}

export async function cancelReminder(deps: RemindersDeps, openid: string, reminderId: string): Promise<{ cancelled: true }> {
  const cancelled = await deps.reminders.cancel(reminderId, openid, deps.clock.now());
  const doc = await deps.reminders.get(reminderId);
  if (!doc || doc.openid !== openid || doc.sourceType !== 'reminder') throw new DomainError('NOT_FOUND', `no reminder ${reminderId}`);
  if (cancelled || doc.status === 'cancelled') {
    // The held unit goes back (once: the release is conditional on the hold; a retried cancel finds none).
    await deps.holds.releasePurpose([grantId(openid, doc.templateId)], reminderPurpose(doc.sourceId));
    return { cancelled: true };
  }
  throw new DomainError('CONFLICT', `the reminder is already ${doc.status}`);
}

export async function listEvents(deps: RemindersDeps, openid: string) {
  const now = deps.clock.now();
  const [events, docs] = await Promise.all([deps.events.upcoming(now, 50), deps.reminders.listByOpenid(openid, 100)]);
  const byEvent = new Map<string, Delivery>();
  for (const d of docs) {
    if (d.status === 'cancelled') continue;
    const prev = byEvent.get(eventIdOf(d));
    const better = !prev || (OPEN.includes(d.status) && !OPEN.includes(prev.status)) || (OPEN.includes(d.status) === OPEN.includes(prev.status) && d.createdAt > prev.createdAt);
    if (better) byEvent.set(eventIdOf(d), d);
  }
  return {
    events: events
      .sort((a, b) => a.startAt - b.startAt)
      .map((e) => {
        const r = byEvent.get(e._id);
        // `reason` says why a reminder was not sent (e.g. no_grant), so the page can say so honestly.
        const reminder: { id: string; dueAt: number; status: DeliveryStatus; reason?: string } | null = r ? { id: r._id, dueAt: r.dueAt, status: r.status } : null;
        if (reminder && r?.reason && !OPEN.includes(r.status)) reminder.reason = r.reason;
        return { id: e._id, title: e.title, place: e.place, startAt: e.startAt, reminder };
      }),
  };
}
