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
  /** The reminder was not sent (or may not have been): a warning style, not success green. */
  reminderWarn: boolean;
  /** "提醒我" is offered: no active reminder and the reminder time is still ahead. */
  canRemind: boolean;
  /** The reminder was skipped for want of a grant (or failed): offer to subscribe again. */
  canResubscribe: boolean;
  highlight: boolean;
}

/** One text per delivery status (a reminder is a delivery): the compiler checks none is missing. */
export const REMINDER_STATUS: Readonly<Record<DeliveryStatus, string>> = {
  pending: '已设置提醒', sending: '正在发送提醒', sent: '提醒已发送', skipped: '提醒未发送', failed: '提醒发送失败',
  unknown: '提醒状态未知', cancelled: '提醒已取消',
};

/** Why a reminder was not sent, for the user (Delivery.reason of core/sending/outcomes.ts and the dispatcher). */
export const NOT_SENT_REASON: Readonly<Record<string, string>> = {
  no_grant: '订阅次数已用完',
  quiet_hours: '处于免打扰时段',
  frequency_cap: '超过发送频次限制',
  validation: '提醒内容不符合模板要求',
  unknown_template: '消息模板已失效',
};

/** A reminder that ended without reaching the user (or may not have): shown as a warning, never in success green. */
export function notSent(status: string): boolean {
  return status === 'skipped' || status === 'failed' || status === 'unknown';
}

export function reminderLabel(r: { dueAt: number; status: string; reason?: string }): string {
  if (r.status === 'skipped' || r.status === 'failed') {
    return `未发送：${(r.reason && NOT_SENT_REASON[r.reason]) || (r.status === 'failed' ? '发送失败' : '原因未知')}`;
  }
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
      // Only an open reminder can be cancelled.
      reminderId: r && (r.status === 'pending' || r.status === 'sending') ? r.id : '',
      reminderText: r ? reminderLabel(r) : '',
      reminderWarn: r ? notSent(r.status) : false,
      canRemind: !r && e.startAt - REMIND_MINUTES_BEFORE * 60_000 > now,
      canResubscribe: !!r && (r.status === 'skipped' || r.status === 'failed'),
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
