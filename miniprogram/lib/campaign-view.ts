// Mini program lib (pure): campaign status labels, progress and per-outcome counts for the admin pages.
import { formatSendAt } from './time';
import type { CampaignStats, CampaignStatus, CampaignSummary, Progress } from './types';

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
  return percent(p.sent + p.skipped + p.failed, p.targeted);
}

export interface CampaignRow {
  id: string;
  name: string;
  statusText: string;
  status: string;
  sendAtText: string;
  percent: number;
  countsText: string;
}

export function campaignRows(list: CampaignSummary[]): CampaignRow[] {
  return list.map((c) => ({
    id: c.id,
    name: c.name,
    status: c.status,
    statusText: statusText(c.status),
    sendAtText: formatSendAt(c.sendAtLocal || c.sendAt),
    percent: progressPercent(c.progress),
    countsText: `目标 ${c.progress.targeted} · 已发 ${c.progress.sent} · 跳过 ${c.progress.skipped} · 失败 ${c.progress.failed} · 待发 ${c.progress.pending}`,
  }));
}

/** Skip reasons in Tixing's delivery vocabulary (core/delivery.ts `reason`). */
const SKIP_TEXT: Record<string, string> = {
  no_grant: '没有剩余订阅', frequency_cap: '超出频次上限', validation: '内容不合规', rejected: '用户已拒绝',
  banned: '用户已屏蔽', invalid_openid: 'openid 无效', paused: '活动暂停', cancelled: '活动取消',
  main_switch_off: '用户关闭了订阅消息总开关',
};

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
      { label: '目标用户', value: s.targeted },
      { label: '已发送', value: s.sent },
      { label: '已跳过', value: skippedTotal },
      { label: '发送失败', value: failedTotal },
      { label: '结果未知', value: s.unknown },
      { label: '待发送', value: s.pending },
      ...(cancelled > 0 ? [{ label: '已取消', value: cancelled }] : []),
      { label: '已打开', value: s.opened },
    ] as CountRow[],
    openRate: s.sent > 0 ? `${percent(s.opened, s.sent)}%` : '—',
    skipped: Object.entries(s.skipped).map(([k, v]) => ({ label: SKIP_TEXT[k] ?? k, value: v })),
    failed: Object.entries(s.failed).map(([k, v]) => ({ label: `${ERRCODE_TEXT[k] ?? '错误'}（${k}）`, value: v })),
  };
}
