// Core (dispatch): operations state shared by every run — the daily-quota pause (one state document, read once per
// run), app-wide rules, and alerts (each cause told once). The decisions are pure; the ports are implemented in
// adapters/ops.ts.
import type { FrequencyCap, QuietHours } from '../campaigns/model';
import type { Result } from '../sending/settle';
import { describeQuotaReset } from '../sending/quota';

/** config/tixing.json `rules`: on top of each campaign's own quiet hours and cap. */
export interface AppRules {
  /** Local wall-clock window, read in each recipient's zone (profile `tz`, else `zone`). */
  quietHours?: QuietHours;
  /** At most `max` campaign messages per user per `perHours`, across all campaigns. */
  frequencyCap?: FrequencyCap;
  /** A message deferred by a rule (quiet hours, cap) is skipped (`expired`) once this long past its due time. */
  deferExpiryHours: number;
  /** The app's zone: recipients without a profile `tz`. */
  zone: string;
}

/** The one state document (`ops_state/dispatch`). */
export interface OpsState {
  /** All sending pauses until this instant (midnight Beijing time after a 45009 / -501003). */
  quotaPausedUntil?: number;
  quotaErrCode?: number;
  quotaSince?: number;
  /** An alert post failed: retry pending alerts from this instant. */
  alertRetryAt?: number;
  /** The last janitor housekeeping that left nothing over (`OpsStore.housekeep`). */
  housekeptAt?: number;
}

/** The daily-quota pause in force at `now` (its end and errcode), or undefined: read by inline sends and admin views. */
export function quotaPauseInForce(s: OpsState, now: number): { until: number; errCode?: number } | undefined {
  if (s.quotaPausedUntil === undefined || s.quotaPausedUntil <= now) return undefined;
  return s.quotaErrCode === undefined ? { until: s.quotaPausedUntil } : { until: s.quotaPausedUntil, errCode: s.quotaErrCode };
}

/** Housekeeping is due in a run: never done, or last done (with nothing left over) at least `everyMs` ago. */
export function housekeepingDue(s: OpsState, now: number, everyMs: number): boolean {
  return s.housekeptAt === undefined || now - s.housekeptAt >= everyMs;
}

export interface OpsStore {
  read(): Promise<OpsState>;
  /** Sets the pause unless a later one is already set (runs racing on the same error write once, harmlessly). */
  pauseForQuota(until: number, errCode: number, now: number): Promise<void>;
  /**
   * The janitor's housekeeping (a dispatcher run, at most once per `janitorMs`: `housekeepingDue`): purges that no write
   * triggers — consent history past `consent.retentionDays`. One bounded page per run, idempotent; `housekeptAt` is
   * recorded only when nothing is left over, so the next run takes the next page.
   */
  housekeep?(now: number): Promise<{ removed: number; more: boolean }>;
}

export interface Alert {
  /** The cause: the alert document's id, so a cause is told once (`quota:2026-05-02`, `campaign:<id>:quarantined`). */
  cause: string;
  text: string;
}

export interface AlertSink {
  /** Thresholds (config/tixing.json `alerts`). */
  readonly ambiguousRate: number;
  readonly ambiguousMinSends: number;
  readonly stuckMs: number;
  /** Records each new cause (create-if-absent) and posts it once; a failed post is retried by `retry`. */
  raise(alerts: readonly Alert[], now: number): Promise<void>;
  /** Posts the alerts whose earlier post failed. */
  retry(now: number): Promise<void>;
}

const QUARANTINE_CODES = new Set([47003, 45168, 40037, 43107]);

/** The page path without its query (41030 alerts are per page). */
const pagePath = (page: string | undefined): string => (page ?? '').split('?')[0] ?? '';

/** Causes found in one flush's results: quarantines, a missing permission, a page not in app.json, the daily quota. */
export function alertsOf(results: readonly Result[]): Alert[] {
  const out = new Map<string, Alert>();
  const add = (cause: string, text: string) => {
    if (!out.has(cause)) out.set(cause, { cause, text });
  };
  for (const r of results) {
    const { d, errCode } = r;
    if (errCode === undefined) continue;
    if (QUARANTINE_CODES.has(errCode)) {
      if (r.quarantine === 'template') add(`template:${d.templateId}:${errCode}`, `模板 ${d.templateId} 无法发送（errcode ${errCode}，${r.reason ?? ''}）：使用它的活动已隔离，请在公众平台检查模板并同步模板库。`);
      if (d.sourceType === 'campaign') add(`campaign:${d.sourceId}:quarantined`, `活动 ${d.sourceId} 已隔离（errcode ${errCode}，${r.reason ?? ''}），发送已停止；修改后重新排期。`);
    }
    if (errCode === -604101 || errCode === -601004) add('permission:subscribeMessage.send', `云函数缺少 subscribeMessage.send 权限（errcode ${errCode}）：在 config.json permissions.openapi 中加入后重新上传；消息在等待。`);
    if (errCode === 41030) add(`page:${pagePath(d.page)}`, `页面 ${pagePath(d.page)} 不在已发布版本的 app.json 中（errcode 41030），消息发送失败。`);
    if (r.quotaPauseUntil !== undefined) add(`quota:${describeQuotaReset(r.quotaPauseUntil).slice(0, 10)}`, `配额已用完（errcode ${errCode}），所有发送暂停，${describeQuotaReset(r.quotaPauseUntil)} 自动恢复。`);
  }
  return [...out.values()];
}

/** The earliest quota pause among the results (none: undefined). */
export function quotaPauseOf(results: readonly Result[]): { until: number; errCode: number } | undefined {
  let best: { until: number; errCode: number } | undefined;
  for (const r of results) {
    if (r.quotaPauseUntil !== undefined && (!best || r.quotaPauseUntil > best.until)) best = { until: r.quotaPauseUntil, errCode: r.errCode ?? 0 };
  }
  return best;
}

/** A running campaign with too many ambiguous sends (unknown / (sent + unknown) above the threshold). */
export function ambiguousAlert(c: { _id: string; counters: { sent: number; unknown: number } }, rate: number, minSends: number): Alert | null {
  const n = c.counters.sent + c.counters.unknown;
  if (n < minSends || c.counters.unknown / n <= rate) return null;
  const pct = Math.round((c.counters.unknown / n) * 1000) / 10;
  return { cause: `campaign:${c._id}:ambiguous`, text: `活动 ${c._id} 结果未知的发送占 ${pct}%（${c.counters.unknown}/${n}），超过阈值 ${rate * 100}%：请检查网络或微信接口延迟。` };
}

export function stuckAlert(id: string, minutes: number): Alert {
  return { cause: `campaign:${id}:stuck`, text: `活动 ${id} 已有 ${minutes} 分钟没有进展，仍有到期未发的消息：请检查定时触发器与日志。` };
}
