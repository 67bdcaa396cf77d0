// Scripts (operator CLI): `status` — whether the dispatcher is sending or paused for the daily quota (the one state
// document `ops_state/dispatch`, adapters/ops.ts), and the latest alerts with their delivery state.
import { describeQuotaReset } from '../../core/sending/quota';
import type { Database, Doc } from '../../adapters/db';
import { ALERTS, OPS_DOC, OPS_STATE } from '../../adapters/ops';
import { orIfMissing } from '../../adapters/db-errors';
import { table } from './format';
import type { Out } from './commands';

/** "paused for quota until 2026-05-02 00:00 北京时间 (errcode 45009)", or null while sending. */
export async function quotaPauseLine(database: Database, now: number): Promise<string | null> {
  const res = await orIfMissing(() => database.collection(OPS_STATE).doc(OPS_DOC).get(), { data: null });
  const s = (res.data ?? {}) as { quotaPausedUntil?: number; quotaErrCode?: number };
  if (s.quotaPausedUntil === undefined || s.quotaPausedUntil <= now) return null;
  return `paused for quota until ${describeQuotaReset(s.quotaPausedUntil)}${s.quotaErrCode !== undefined ? ` (errcode ${s.quotaErrCode})` : ''}`;
}

export async function statusCommand(database: Database, out: Out, now: number, opts: { json?: boolean } = {}): Promise<void> {
  const pause = await quotaPauseLine(database, now);
  const alerts = await orIfMissing(() => database.collection(ALERTS).orderBy('createdAt', 'desc').limit(10).get(), { data: [] as Doc[] });
  if (opts.json) {
    out(JSON.stringify({ sending: pause ?? 'active', alerts: alerts.data }, null, 2));
    return;
  }
  out(`sending   ${pause ?? 'active'}`);
  if (!alerts.data.length) {
    out('alerts    none');
    return;
  }
  out('alerts (newest first):');
  out(table(['CAUSE', 'STATUS', 'TRIES', 'TEXT'], alerts.data.map((a) => [String(a._id), String(a.status), String(a.attempts ?? 0), String(a.text ?? '').slice(0, 60)])));
}
