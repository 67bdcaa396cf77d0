// Core (reminders): ports — reminders are `deliveries` documents (core/delivery.ts) with sourceType 'reminder'.
import type { Delivery } from '../delivery';
import type { EventStore } from '../events';
import type { Clock } from '../ports';
import type { TemplateRegistry } from '../grants/ports';
import type { GrantHolds } from '../grants/holds';

export interface ReminderStore {
  get(id: string): Promise<Delivery | null>;
  /** Creates it; false when a document with that `_id` exists. */
  insert(d: Delivery): Promise<boolean>;
  /** The caller's reminder deliveries (any status), newest due first, at most `limit`. */
  listByOpenid(openid: string, limit: number): Promise<Delivery[]>;
  /** Pending or sending deliveries of this user and template (any source): each will want one grant. */
  countOpen(openid: string, templateId: string): Promise<number>;
  /** pending → cancelled, only the caller's; true when it changed. */
  cancel(id: string, openid: string, now: number): Promise<boolean>;
  /** A pending reminder's new due time (same event, other minutesBefore); true when it changed. */
  reschedule(id: string, openid: string, dueAt: number, now: number): Promise<boolean>;
}

/**
 * Reminder delivery ids. Deterministic for the owner (a retried or concurrent create finds the same document, so
 * creating stays idempotent) and unguessable for anyone else: `reminder:<sourceId>:<tag>`, where the tag is keyed
 * by a server-side secret over (openid, sourceId). Knowing a user's openid and an event id is not enough to name
 * their reminder, so no answer (track.open, reminders.cancel) can reveal whether they booked one.
 */
export interface ReminderIds {
  idFor(openid: string, sourceId: string): Promise<string>;
}

export interface RemindersDeps {
  clock: Clock;
  reminderIds: ReminderIds;
  events: EventStore;
  reminders: ReminderStore;
  /** Purpose holds (core/grants/holds.ts): a reminder keeps one grant unit from creation until it is sent or cancelled. */
  holds: Pick<GrantHolds, 'holdFor' | 'read' | 'releasePurpose'>;
  registry: TemplateRegistry;
  zone: string;
  miniprogramState: 'developer' | 'trial' | 'formal';
  lang: 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW';
}
