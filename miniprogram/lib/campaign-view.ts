// Mini program lib (pure): campaign status labels, progress and per-outcome counts for the admin pages.
import { OUTCOME_TEXT as T, reasonText } from './outcomes';
import { formatSendAt, formatShanghai } from './time';
import type { AnalyticsResponse, CampaignStats, CampaignStatus, CampaignSummary, Progress } from './types';

export const STATUS_TEXT: Readonly<Record<CampaignStatus, string>> = {
  draft: '草稿', scheduled: '已排期', running: '发送中', paused: '已暂停', completed: '已完成', cancelled: '已取消',
  quarantined: '已隔离（内容不合规）',
};

/** A status as text; an unknown one (a newer server) as it came. */
export function statusText(status: string): string {
  return isCampaignStatus(status) ? STATUS_TEXT[status] : status;
}

export function isCampaignStatus(s: string): s is CampaignStatus {
  return Object.prototype.hasOwnProperty.call(STATUS_TEXT, s);
}

/** Statuses in which numbers still move, so the detail page keeps polling. */
export const LIVE_STATUSES: readonly CampaignStatus[] = ['scheduled', 'running'];

export interface CampaignActions { canPause: boolean; canResume: boolean; canCancel: boolean; canEdit: boolean }

const NONE: CampaignActions = { canPause: false, canResume: false, canCancel: false, canEdit: false };

/**
 * What the campaigns function accepts in each status, so the detail page offers nothing it would refuse: pause
 * (scheduled, running), resume (paused), cancel (anything not final) as in core/campaigns/lifecycle.ts; edit while
 * nothing has been sent (core/campaigns/edit.ts EDITABLE: draft, scheduled, quarantined — not paused, which may
 * have sent already). test/miniprogram/parity.test.ts runs core's own use cases for every status against this table.
 */
export const CAMPAIGN_ACTIONS: Readonly<Record<CampaignStatus, CampaignActions>> = {
  draft: { canPause: false, canResume: false, canCancel: true, canEdit: true },
  scheduled: { canPause: true, canResume: false, canCancel: true, canEdit: true },
  running: { canPause: true, canResume: false, canCancel: true, canEdit: false },
  paused: { canPause: false, canResume: true, canCancel: true, canEdit: false },
  completed: NONE,
  cancelled: NONE,
  quarantined: { canPause: false, canResume: false, canCancel: true, canEdit: true },
};

/** The actions of a status; none for an unknown one (or '' before the campaign is loaded). */
export function actionsFor(status: string): CampaignActions {
  return { ...(isCampaignStatus(status) ? CAMPAIGN_ACTIONS[status] : NONE) };
}

export function percent(done: number, total: number): number {
  if (total <= 0) return 0;
  return Math.min(100, Math.round((done / total) * 100));
}

export function progressPercent(p: Progress): number {
  return percent(p.targeted - p.pending, p.targeted);
}

/** The list's counts line, in the outcome vocabulary (lib/outcomes.ts): the same names and numbers as the detail. */
export function countsText(p: Progress): string {
  const parts = [`${T.targeted} ${p.targeted}`, `${T.sent} ${p.sent}`, `${T.skipped} ${p.skipped}`, `${T.failed} ${p.failed}`, `${T.unknown} ${p.unknown}`];
  if (p.cancelled > 0) parts.push(`${T.cancelled} ${p.cancelled}`);
  parts.push(`${T.pending} ${p.pending}`);
  return parts.join(' · ');
}

export interface CampaignRow {
  id: string;
  name: string;
  statusText: string;
  status: string;
  sendAtText: string;
  percent: number;
  countsText: string;
  /** Quarantined or paused: drawn in warning colour (a stopped campaign is not a green bar). */
  warn: boolean;
}

export function campaignRows(list: CampaignSummary[]): CampaignRow[] {
  return list.map((c) => ({
    id: c.id,
    name: c.name,
    status: c.status,
    statusText: statusText(c.status),
    sendAtText: sendAtText(c),
    percent: progressPercent(c.progress),
    warn: c.status === 'quarantined' || c.status === 'paused',
    countsText: countsText(c.progress),
  }));
}


/** [SEND-NEW-MIRROR] [SEND-OLD] [MMM-MIRROR] send errcodes. */
const ERRCODE_TEXT: Record<string, string> = {
  '-1': '微信系统繁忙', '40003': 'openid 无效', '40037': '模板 ID 无效', '41030': '页面路径不正确',
  '43101': '用户未订阅或次数已用完', '43107': '订阅消息能力被封禁', '43108': '并发发送给同一用户',
  '45168': '命中敏感词', '47003': '模板参数不合规',
};

export interface CountRow { label: string; value: number }

export function statsView(s: CampaignStats) {
  const skippedTotal = Object.values(s.skipped).reduce((a, b) => a + b, 0);
  const failedTotal = Object.values(s.failed).reduce((a, b) => a + b, 0);
  const cancelled = s.cancelled ?? 0;
  const done = s.sent + skippedTotal + failedTotal + s.unknown + cancelled;
  return {
    percent: percent(done, s.targeted),
    progressText: `${done} / ${s.targeted}`,
    totals: [
      { label: T.targeted, value: s.targeted },
      { label: T.sent, value: s.sent },
      { label: T.skipped, value: skippedTotal },
      { label: T.failed, value: failedTotal },
      { label: T.unknown, value: s.unknown },
      { label: T.pending, value: s.pending },
      ...(cancelled > 0 ? [{ label: T.cancelled, value: cancelled }] : []),
      { label: T.opened, value: s.opened },
    ] as CountRow[],
    openRate: s.sent > 0 ? `${percent(s.opened, s.sent)}%` : '—',
    skipped: Object.entries(s.skipped).map(([k, v]) => ({ label: reasonText(k), value: v })),
    failed: Object.entries(s.failed).map(([k, v]) => ({ label: `${ERRCODE_TEXT[k] ?? '错误'}（${k}）`, value: v })),
  };
}

/** A zone for people: Beijing time by its Chinese name, any other IANA zone as it is. */
export function zoneText(zone: string | undefined): string {
  if (!zone || zone === 'Asia/Shanghai') return '北京时间';
  return zone;
}

/** What an admin should do about a campaign in this status (shown in warning colour when `warn`). */
export function nextStep(status: string, quarantineReason?: string): { text: string; warn: boolean } | null {
  if (status === 'quarantined') {
    const why = quarantineReason ? `原因：${quarantineReason}。` : '';
    return { warn: true, text: `微信拒收了本活动的消息内容，发送已停止。${why}请点“编辑”修改消息内容后重新排期，或取消活动。` };
  }
  if (status === 'paused') return { warn: true, text: '活动已暂停，未发送的消息不会发出。点“继续”恢复发送。' };
  return null;
}

export const POLL_MIN_MS = 2000;
export const POLL_MAX_MS = 30_000;
/** A scheduled campaign further away than this is not polled: its numbers cannot move before its send time. */
export const SCHEDULED_WATCH_MS = 10 * 60_000;

/**
 * When to read the campaign again, or null to stop: only while something can move. Running: every 2 s, doubling
 * (up to 30 s) for each read in which nothing changed. Scheduled: not at all while the send time is far; near it,
 * at the send time. Anything else (draft, paused, final) does not move by itself.
 */
export function nextPollMs(status: string, sendAt: number | null | undefined, now: number, unchanged: number): number | null {
  if (status === 'running') return Math.min(POLL_MAX_MS, POLL_MIN_MS * 2 ** Math.max(0, unchanged));
  if (status === 'scheduled' && typeof sendAt === 'number') {
    const until = sendAt - now;
    if (until > SCHEDULED_WATCH_MS) return null;
    return Math.max(POLL_MIN_MS, until);
  }
  return null;
}

/** Rate (finished per second) and ETA from two reads of the same campaign; null while unknown. */
export function rateAndEta(
  prev: { at: number; done: number } | null,
  cur: { at: number; done: number; pending: number },
): { rate: number | null; rateText: string; etaText: string } {
  if (cur.pending === 0) return { rate: null, rateText: '—', etaText: '已完成' };
  if (!prev || cur.at <= prev.at) return { rate: null, rateText: '计算中', etaText: '计算中' };
  const rate = Math.max(0, cur.done - prev.done) / ((cur.at - prev.at) / 1000);
  if (rate === 0) return { rate: 0, rateText: '0 条/秒', etaText: '暂无进展' };
  const s = Math.round(cur.pending / rate);
  const eta = s < 60 ? `约 ${s} 秒` : s < 3600 ? `约 ${Math.round(s / 60)} 分钟` : `约 ${Math.floor(s / 3600)} 小时 ${Math.round((s % 3600) / 60)} 分`;
  return { rate, rateText: `${rate >= 10 ? rate.toFixed(0) : rate.toFixed(1)} 条/秒`, etaText: eta };
}

const pctText = (r: number | null): string => (r === null ? '—' : `${Math.round(r * 1000) / 10}%`);

/** An hour bucket (epoch ms) as `MM-DD HH:00` in the campaign's zone. */
export function hourText(ms: number, zone: string): string {
  if (zone === 'Asia/Shanghai') return formatShanghai(ms).slice(5, 13) + ':00';
  try {
    const p = new Intl.DateTimeFormat('en-CA', { timeZone: zone, month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(ms));
    const get = (t: string) => p.find((x) => x.type === t)?.value ?? '';
    return `${get('month')}-${get('day')} ${get('hour')}:00`;
  } catch {
    return `${new Date(ms).toISOString().slice(5, 13).replace('T', ' ')}:00 UTC`;
  }
}

export interface Bar { label: string; value: number; width: number; text: string }

/**
 * The charts of the detail page, drawn as bars (views whose width is a share of the largest): the funnel with each
 * stage's rate of the previous one, sends per hour, and grant conversion per placement (taps → accepts).
 */
export function analyticsView(a: AnalyticsResponse) {
  const top = Math.max(1, ...a.funnel.map((f) => f.n));
  const funnel: Bar[] = a.funnel.map((f) => ({
    label: T[f.stage], value: f.n, width: Math.round((100 * f.n) / top),
    text: f.rate === null ? `${f.n}` : `${f.n}（${pctText(f.rate)}）`,
  }));
  const peak = Math.max(1, ...a.sendsPerHour.map((h) => h.n));
  const hours: Bar[] = a.sendsPerHour.map((h) => ({ label: hourText(h.hour, a.zone), value: h.n, width: Math.round((100 * h.n) / peak), text: `${h.n}` }));
  const placements: Bar[] = a.placements.map((p) => ({
    label: `${p.page} · ${p.button}`, value: p.accepts, width: Math.round(100 * p.rate), text: `${p.taps} 次 → 同意 ${p.accepts}（${pctText(p.rate)}）`,
  }));
  return { funnel, hours, placements, zoneText: zoneText(a.zone), ctrText: pctText(a.ctr), receiptFailed: a.receiptFailed, hasReceipts: (a.funnel[2]?.n ?? 0) > 0 };
}

/**
 * A campaign's send time with its zone: the wall-clock time as entered in the campaign's zone, else the instant in
 * Beijing time (said so), else 未排期.
 */
export function sendAtText(c: { sendAtLocal?: string | null; sendAt?: number | null; zone?: string }): string {
  if (c.sendAtLocal) return `${c.sendAtLocal}（${zoneText(c.zone)}）`;
  if (typeof c.sendAt === 'number') return `${formatSendAt(c.sendAt)}（北京时间）`;
  return formatSendAt(null);
}
