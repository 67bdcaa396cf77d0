// Mini program lib (pure): the outcome vocabulary of the admin pages — a copy of core/outcomes.ts (the mini program
// cannot import core at run time); test/campaigns/outcomes.test.ts checks every label equals core's.

export const OUTCOMES = ['sent', 'skipped', 'failed', 'unknown', 'cancelled', 'pending'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const FUNNEL_STAGES = ['targeted', 'sent', 'delivered', 'opened'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

/** core/outcomes.ts OUTCOME_LABELS[k].zh */
export const OUTCOME_TEXT: Readonly<Record<Outcome | FunnelStage, string>> = {
  targeted: '目标用户',
  sent: '已发送',
  skipped: '已跳过',
  failed: '发送失败',
  unknown: '结果未知',
  cancelled: '已取消',
  pending: '待发送',
  delivered: '已送达',
  opened: '已打开',
};

/**
 * Why a delivery was skipped or failed, and what a test send answered (Tixing's reason vocabulary: core/sending/
 * outcomes.ts, core/dispatch), in Chinese — the one table the admin pages read reasons from.
 */
export const REASON_TEXT: Readonly<Record<string, string>> = {
  sent: '已发送',
  no_grant: '没有剩余订阅',
  frequency_cap: '超出频次上限',
  main_switch_off: '用户关闭了订阅消息总开关',
  validation: '内容不合规',
  invalid_data: '模板参数不合规',
  sensitive_words: '命中敏感词',
  invalid_page: '页面路径不正确',
  invalid_template: '模板 ID 无效',
  invalid_openid: 'openid 无效',
  rejected: '用户已拒绝',
  banned: '用户已屏蔽',
  concurrent_send: '同时发给同一用户',
  rate_limited: '发送太频繁',
  daily_quota: '今日发送额度已用完',
  quota_paused: '配额已用完，暂停发送至北京时间零点',
  missing_permission: '云函数缺少发送权限',
  no_cloud_call_token: '当前调用方式无法发送',
  timeout: '微信响应超时',
  network_error: '网络异常',
  system_error: '微信系统繁忙',
  ambiguous: '结果未知',
  paused: '活动暂停',
  cancelled: '活动取消',
  campaign_cancelled: '活动取消',
};

export function reasonText(reason: string): string {
  return REASON_TEXT[reason] ?? `其他原因（${reason}）`;
}

/** An openid for display: its first and last 4 characters (`oAbc…wxyz`); short ones as they are. */
export function maskOpenid(openid: string): string {
  return openid.length <= 10 ? openid : `${openid.slice(0, 4)}…${openid.slice(-4)}`;
}

/** A test-send answer as an admin reads it: the tester's nickname (else the masked openid) and the result in Chinese. */
export function testSendLine(r: { openid: string; nickname?: string; outcome: string; errCode?: number }): string {
  return `${r.nickname || maskOpenid(r.openid)}：${reasonText(r.outcome)}${r.errCode ? `（错误码 ${r.errCode}）` : ''}`;
}
