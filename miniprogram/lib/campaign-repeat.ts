// Mini program lib (pure): the campaign editor's recurring and per-recipient options — repeat daily / weekly /
// monthly at the send time, "send at each user's local time", a daily budget — and the detail/list pages' labels for
// occurrences and the daily-quota pause. Limits mirror core/campaigns/recurrence.ts and schema.ts (checked again there).
import { positiveInt } from './campaign-options';

export type RepeatKind = '' | 'daily' | 'weekly' | 'monthly';

export interface RepeatForm {
  /** '' = once. */
  repeat: RepeatKind;
  /** ISO weekdays 1 (Monday) … 7 (Sunday), e.g. `1,5`. */
  repeatWeekdays: string;
  /** Day of the month 1–31 (a shorter month uses its last day). */
  repeatDay: string;
  /** Send at the chosen time in each recipient's own time zone. */
  localTime: boolean;
  /** '' = no daily budget. */
  dailyBudget: string;
  /** What the stored campaign had, so an update clears only an option that was set (and sends nothing otherwise). */
  hadRepeat: boolean;
  hadLocalTime: boolean;
  hadBudget: boolean;
}

export const emptyRepeat = (): RepeatForm =>
  ({ repeat: '', repeatWeekdays: '1', repeatDay: '1', localTime: false, dailyBudget: '', hadRepeat: false, hadLocalTime: false, hadBudget: false });

export const REPEAT_CHOICES: readonly { value: RepeatKind; label: string }[] = [
  { value: '', label: '不重复' }, { value: 'daily', label: '每天' }, { value: 'weekly', label: '每周' }, { value: 'monthly', label: '每月' },
];

export const repeatIndex = (kind: string): number => Math.max(0, REPEAT_CHOICES.findIndex((c) => c.value === kind));

const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日'];

/** `1,5` or `一,五` → [1, 5]; null when any part is not a weekday. */
export function parseWeekdays(text: string): number[] | null {
  const parts = text.split(/[,，、\s]+/).map((p) => p.trim()).filter(Boolean);
  const days = new Set<number>();
  for (const p of parts) {
    const n = /^[1-7]$/.test(p) ? Number(p) : WEEKDAYS.indexOf(p.replace(/^(周|星期)/, '')) + 1;
    if (n < 1) return null;
    days.add(n);
  }
  return days.size ? [...days].sort() : null;
}

/** Problems, in Chinese, in the order the fields appear. */
export function repeatProblems(form: RepeatForm & { time: string }): string[] {
  const out: string[] = [];
  if (form.repeat) {
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(form.time)) out.push('重复发送请选择发送时间');
    if (form.repeat === 'weekly' && !parseWeekdays(form.repeatWeekdays)) out.push('每周重复请填写星期几，如 1,5 或 一,五');
    if (form.repeat === 'monthly' && positiveInt(form.repeatDay, 31) === null) out.push('每月重复请填写 1–31 日');
  }
  if (form.dailyBudget.trim() && positiveInt(form.dailyBudget, 1_000_000) === null) out.push('每日发送上限应为正整数');
  return out;
}

/** Payload pieces for campaigns.create / update (`clear`: an option the stored campaign had and is now off is removed). */
export function repeatPayload(form: RepeatForm & { time: string }, clear: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (form.repeat) {
    const at = form.time;
    out['recurrence'] =
      form.repeat === 'daily' ? { kind: 'daily', at }
        : form.repeat === 'weekly' ? { kind: 'weekly', at, weekdays: parseWeekdays(form.repeatWeekdays) ?? [1] }
          : { kind: 'monthly', at, day: positiveInt(form.repeatDay, 31) ?? 1 };
  } else if (clear && form.hadRepeat) out['recurrence'] = null;
  if (form.localTime) out['localTime'] = true;
  else if (clear && form.hadLocalTime) out['localTime'] = false;
  const budget = positiveInt(form.dailyBudget, 1_000_000);
  if (budget !== null) out['dailyBudget'] = budget;
  else if (clear && form.hadBudget) out['dailyBudget'] = null;
  return out;
}

export function repeatFromCampaign(c: Record<string, any>): RepeatForm & { time?: string } {
  const r = c['recurrence'] as { kind?: string; at?: string; weekdays?: number[]; day?: number } | undefined;
  const form = emptyRepeat();
  if (r && (r.kind === 'daily' || r.kind === 'weekly' || r.kind === 'monthly')) {
    form.repeat = r.kind;
    form.hadRepeat = true;
    if (r.weekdays) form.repeatWeekdays = r.weekdays.join(',');
    if (r.day) form.repeatDay = String(r.day);
  }
  form.localTime = form.hadLocalTime = c['localTime'] === true;
  if (typeof c['dailyBudget'] === 'number') {
    form.dailyBudget = String(c['dailyBudget']);
    form.hadBudget = true;
  }
  return r?.at ? { ...form, time: r.at } : form;
}

/** `每周一、五 09:00` (the same words as core/campaigns/recurrence.ts describeRecurrence). */
export function describeRepeat(r: { kind?: string; at?: string; weekdays?: number[]; day?: number; cron?: string } | undefined): string {
  if (!r) return '';
  if (r.kind === 'daily') return `每天 ${r.at}`;
  if (r.kind === 'weekly') return `每周${[...(r.weekdays ?? [])].sort().map((d) => WEEKDAYS[d - 1]).join('、')} ${r.at}`;
  if (r.kind === 'monthly') return `每月 ${r.day} 日 ${r.at}`;
  return r.cron ? `cron ${r.cron}` : '';
}

export const SKIP_REASON_TEXT: Readonly<Record<string, string>> = {
  series_paused: '系列暂停期间，已跳过（不补发）',
  series_ended: '系列已结束，未发送',
  missed: '定时器延误，已跳过（不补发）',
  series_edited: '系列已修改，此次改为按新规则发送',
};

/** campaigns.update's answer for a series (core/campaigns/series-actions.ts SeriesEditResult). */
export interface SeriesEditAnswer {
  updated: string[];
  replaced: { from: string; to: string | null }[];
  leftAlone: { id: string; status: string; why: string }[];
}

const occurrenceDay = (id: string): string => {
  const key = id.slice(id.lastIndexOf('.') + 1);
  return /^\d{8}/.test(key) ? `${key.slice(4, 6)}-${key.slice(6, 8)}` : id;
};

/** What an edit of a series did to its occurrences, as the editor shows it after saving ('' when nothing to say). */
export function seriesEditText(a: SeriesEditAnswer | undefined): string {
  if (!a) return '';
  const parts: string[] = [];
  if (a.updated.length) parts.push(`已同步到未开始的 ${a.updated.length} 次发送（${a.updated.map(occurrenceDay).join('、')}）`);
  for (const r of a.replaced) parts.push(`${occurrenceDay(r.from)} 不再发送，${r.to ? `改为 ${occurrenceDay(r.to)}` : '新规则下没有下一次'}`);
  if (a.leftAlone.length) parts.push(`${a.leftAlone.map((x) => occurrenceDay(x.id)).join('、')} 正在发送，保持原内容`);
  return parts.join('；');
}

export interface OccurrenceRow { id: string; when: string; statusText: string; countsText: string }

/** "配额已用完，2026-05-02 00:00 北京时间 恢复" as the campaigns function words it, or '' while sending. */
export function quotaBanner(q: { message?: string } | null | undefined): string {
  return q?.message ?? '';
}
