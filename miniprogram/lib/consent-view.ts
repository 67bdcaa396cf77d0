// Mini program lib (pure): 我的订阅's consent history rows and the deleteMyData receipt, in Chinese.
import { formatShanghai } from './time';
import type { ConsentHistoryEntry, DeletionReceipt } from './types';

export interface HistoryRow {
  key: string;
  timeText: string;
  title: string;
  resultText: string;
  sourceText: string;
}

const RESULT: Record<string, string> = {
  accept: '同意', reject: '拒绝', ban: '已被屏蔽', filter: '被过滤（标题重复）', error: '订阅失败', unknown: '未知',
  revoke: '我撤销了订阅', zero: '次数清零', unsubscribe: '在微信中设为拒收',
};
const SOURCE: Record<string, string> = { client: '小程序内', event: '微信推送', server: '服务端' };

export function historyRows(entries: readonly ConsentHistoryEntry[]): HistoryRow[] {
  return entries.map((e, i) => ({
    key: `${e.at}-${e.templateId}-${i}`,
    timeText: formatShanghai(e.at),
    title: e.title ?? '已下线的消息',
    resultText: RESULT[e.result] ?? e.result,
    sourceText: SOURCE[e.source] ?? e.source,
  }));
}

const COLLECTION: Record<string, string> = {
  grants: '订阅次数', consent_log: '授权记录', request_log: '请求记录', rate_limits: '频率计数', users: '个人设置',
  deliveries: '消息记录', sent_events: '送达回执', send_log: '发送日志',
};

/** "共删除 N 条：订阅次数 2 条、授权记录 5 条" (collections with nothing removed are left out). */
export function deletionText(r: DeletionReceipt): string {
  if (r.total === 0) return '没有找到你的数据，无需删除。';
  const parts = Object.entries(r.deleted)
    .filter(([, n]) => n > 0)
    .map(([c, n]) => `${COLLECTION[c] ?? c} ${n} 条`);
  return `共删除 ${r.total} 条：${parts.join('、')}。删除时间 ${formatShanghai(r.at)}（北京时间）。`;
}

/** The admin page's openid check (the same rule as the subscriptions function's: 1–64 of A–Z a–z 0–9 _ -), in Chinese. */
export function openidProblem(openid: string): string {
  if (!openid) return '请输入用户的 openid';
  if (openid.length > 64 || !/^[A-Za-z0-9_-]+$/.test(openid)) return 'openid 只能包含字母、数字、下划线和短横线，最长 64 个字符';
  return '';
}
