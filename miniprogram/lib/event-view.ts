// Mini program lib (pure): rows of the events demo page and the reminder state shown on each.
import { formatShanghai, formatShort } from './time';
import type { DeliveryStatus, EventView } from './types';

export const REMIND_MINUTES_BEFORE = 10;

export interface EventRow {
  id: string;
  title: string;
  place: string;
  startText: string;
  reminderId: string;
  reminderText: string;
  /** "提醒我" is offered: no active reminder and the reminder time is still ahead. */
  canRemind: boolean;
  highlight: boolean;
}

/** One text per delivery status (a reminder is a delivery): the compiler checks none is missing. */
export const REMINDER_STATUS: Readonly<Record<DeliveryStatus, string>> = {
  pending: '已设置提醒', sending: '正在发送提醒', sent: '提醒已发送', skipped: '提醒未发送', failed: '提醒发送失败',
  unknown: '提醒状态未知', cancelled: '提醒已取消',
};

export function reminderLabel(r: { dueAt: number; status: string }): string {
  const text = Object.prototype.hasOwnProperty.call(REMINDER_STATUS, r.status) ? REMINDER_STATUS[r.status as DeliveryStatus] : r.status;
  return `${text}：${formatShort(r.dueAt)}`;
}

export function eventRows(events: EventView[], now: number, highlightId = ''): EventRow[] {
  return events.map((e) => {
    const r = e.reminder && e.reminder.status !== 'cancelled' ? e.reminder : null;
    return {
      id: e.id,
      title: e.title,
      place: e.place,
      startText: formatShanghai(e.startAt),
      reminderId: r?.id ?? '',
      reminderText: r ? reminderLabel(r) : '',
      canRemind: !r && e.startAt - REMIND_MINUTES_BEFORE * 60_000 > now,
      highlight: e.id === highlightId,
    };
  });
}

/** Query values may arrive URL-encoded (a delivery id holds `:`); decode once, tolerating stray `%`. */
export function queryValue(v: unknown): string {
  if (typeof v !== 'string' || !v) return '';
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}
