// Core (reminders): the TPL_EVENT_REMINDER message data for one event, within the template's keyword rules.
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';
import type { EventDoc } from '../events';
import { parseContent } from '../template/content';
import { checkTemplateData, KeywordViolation } from '../template/keywords';

dayjs.extend(utc);
dayjs.extend(timezone);

export const REMINDER_TEMPLATE = 'TPL_EVENT_REMINDER';
/** Fallback content when the registry has none ([SEND-NEW] keyword types: thing ≤ 20, time). */
export const REMINDER_CONTENT = '活动名称:{{thing1.DATA}}\n开始时间:{{time2.DATA}}\n活动地点:{{thing3.DATA}}\n温馨提示:{{thing4.DATA}}\n';

/** [SEND-NEW] thing ≤ 20 characters (code points, as core/template/keywords.ts counts): cut with an ellipsis. */
export function truncate(text: string, max = 20): string {
  const chars = [...text.replace(/[\p{Cc}\u2028\u2029]/gu, ' ').trim()];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

/** [SEND-NEW] time: "2019年10月1日 15:01" — a date before a 24-hour time, in the app's zone (the runtime is UTC). */
export function formatTime(epochMs: number, zone: string): string {
  return dayjs(epochMs).tz(zone).format('YYYY年M月D日 HH:mm');
}

export function reminderData(event: Pick<EventDoc, 'title' | 'place' | 'startAt' | 'tip'>, zone: string): Record<string, { value: string }> {
  return {
    thing1: { value: truncate(event.title) || '活动' },
    time2: { value: formatTime(event.startAt, zone) },
    thing3: { value: truncate(event.place) || '待定' },
    thing4: { value: truncate(event.tip || '活动即将开始，请准时参加') },
  };
}

/** The first keyword-rule violation of `data` against the template content; null when it passes. */
export function checkReminderData(content: string, data: Record<string, { value: string }>): (KeywordViolation & { key: string | null }) | null {
  return checkTemplateData(parseContent(content), data);
}

/**
 * `pages/events/events?eventId=…&deliveryId=…`: the page a tap on the card opens (it reports the open).
 * Not percent-encoded: ids are limited to letters, digits, `_ - :` (the page reads options as they are).
 */
export function reminderPage(eventId: string, deliveryId: string): string {
  return `pages/events/events?eventId=${eventId}&deliveryId=${deliveryId}`;
}
