// Scripts (bench): one measured scenario against the emulator — seed an audience straight into the database and
// WeChat's quota, then run the tutorial loop or the dispatcher (its timer fired every `periodMs`, runs overlapping)
// and report messages per second and database round trips per delivered message.
import type { Emulator } from '../../emulator';
import { newGrantDoc } from '../../core/grants/model';
import indexes from '../../config/indexes.json';

export const TPL = 'TPL_EVENT_REMINDER';
export const DATA = { thing1: '周末读书会', time2: '2026-05-02 09:00', thing3: '图书馆', thing4: '请准时到场' };

export interface Measure {
  label: string;
  recipients: number;
  sent: number;
  seconds: number;
  perSecond: number;
  dbRequests: number;
  roundTripsPerMessage: number;
  runs?: number;
  /** Wall time per 100 messages (one claim batch) = seconds × 100 / sent. */
  msPerBatch?: number;
}

export function prepare(emu: Emulator, n: number): void {
  for (const name of [...Object.keys(indexes.collections), 'send_log']) {
    if (!emu.db.collections().includes(name)) emu.db.createCollection(name);
  }
  const now = emu.now();
  const CHUNK = 20_000;
  for (let from = 0; from < n; from += CHUNK) {
    const ids = Array.from({ length: Math.min(CHUNK, n - from) }, (_, i) => `o-b${String(from + i).padStart(7, '0')}`);
    emu.db.insert('grants', ids.map((o) => ({ ...newGrantDoc(o, TPL, 'one-time', now), remaining: 1, granted: 1, lastResult: 'accept' })));
    for (const o of ids) emu.wechat.setQuota(o, TPL, 1);
  }
}

export async function measureLoop(emu: Emulator, sample: number): Promise<Measure> {
  prepare(emu, sample);
  const data = Object.fromEntries(Object.entries(DATA).map(([k, v]) => [k, { value: v }]));
  const db0 = emu.db.stats().requests;
  const t0 = performance.now();
  const r = await emu.callRaw('loop', { templateId: TPL, limit: sample, data }, { kind: 'timer' });
  const seconds = (performance.now() - t0) / 1000;
  if (!r.ok) throw new Error(`loop failed: ${JSON.stringify(r.error)}`);
  const sent = (r.result as { sent: number }).sent;
  const dbRequests = emu.db.stats().requests - db0;
  return { label: 'tutorial loop', recipients: sample, sent, seconds, perSecond: sent / seconds, dbRequests, roundTripsPerMessage: dbRequests / sent };
}

/**
 * Seeds `n` recipients and one campaign, fires the timer every `periodMs` until the campaign completes — or, with
 * `window`, until that many messages were delivered (a big audience measured on its first part, runs abandoned).
 */
export async function measureDispatcher(emu: Emulator, n: number, periodMs: number, label: string, window?: number): Promise<Measure> {
  prepare(emu, n);
  const now = emu.now();
  const id = `bench-${n}`;
  emu.db.insert('campaigns', [{
    _id: id, name: label, templateId: TPL, data: DATA, audience: { kind: 'all' }, sendAt: now - 1000, zone: 'Asia/Shanghai',
    miniprogramState: 'developer', lang: 'zh_CN', status: 'scheduled', createdBy: 'bench', createdAt: now, updatedAt: now,
    counters: { targeted: 0, sent: 0, skipped: 0, failed: 0, unknown: 0, opened: 0 },
  }]);
  const db0 = emu.db.stats().requests;
  const sent0 = emu.wechat.stats().delivered;
  const t0 = performance.now();
  const fired: Promise<unknown>[] = [];
  let done = false;
  // The platform's timer: a run every period, overlapping (each may work up to its 45 s claim budget).
  const timer = (async () => {
    while (!done) {
      fired.push(emu.trigger('dispatch').then((f) => {
        // Runs still going when a windowed measurement ends die with the emulator: not a failure worth printing.
        if (!f.invocation.ok && !done) console.error(`  run failed: ${JSON.stringify(f.invocation.error)}`);
      }));
      for (let waited = 0; waited < periodMs && !done; waited += 100) await new Promise((r) => setTimeout(r, 100));
    }
  })();
  let lastReport = t0;
  for (;;) {
    const c = emu.db.find('campaigns', { _id: id })[0] as { status?: string; counters?: { targeted?: number } } | undefined;
    if (c?.status === 'completed') break;
    if (window !== undefined && emu.wechat.stats().delivered - sent0 >= window) break;
    if (performance.now() - lastReport >= 15_000) {
      lastReport = performance.now();
      const s = emu.wechat.stats().delivered - sent0;
      console.log(`  … ${((lastReport - t0) / 1000).toFixed(0)} s: ${s} sent, ${c?.counters?.targeted ?? 0} targeted, ${emu.db.stats().requests - db0} db requests`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const seconds = (performance.now() - t0) / 1000;
  done = true;
  await timer;
  if (window === undefined) await Promise.all(fired); // else: the runs still going are abandoned with the emulator
  const sent = emu.wechat.stats().delivered - sent0;
  const dbRequests = emu.db.stats().requests - db0;
  if (window !== undefined) label = `${label} (first ${sent})`;
  return {
    label, recipients: n, sent, seconds, perSecond: sent / seconds, dbRequests, roundTripsPerMessage: dbRequests / sent,
    runs: fired.length, msPerBatch: (seconds * 1000 * 100) / sent,
  };
}
