// Scripts (bench): one measured scenario against the emulator — seed an audience straight into the database and
// WeChat's quota, then run the tutorial loop or the dispatcher (its timer fired every `periodMs`, runs overlapping)
// and report messages per second and database round trips per delivered message.
import type { Emulator } from '../../emulator';
import { newGrantDoc } from '../../core/grants/model';
import indexes from '../../config/indexes.json';
import { DEFAULT_DISPATCH_CONFIG } from '../../core/dispatch/config';
import { startRuns } from '../../core/dispatch/wake';

/** Runs a campaign's start arms at once (core/dispatch/wake.ts rampAt). */
export const START_RUNS = startRuns(DEFAULT_DISPATCH_CONFIG);

export const TPL = 'TPL_EVENT_REMINDER';
export const DATA = { thing1: '周末读书会', time2: '2026-05-02 09:00', thing3: '图书馆', thing4: '请准时到场' };
/** DATA as subscribeMessage.send takes it (`{ key: { value } }`), for the baselines that call the SDK themselves. */
const SEND_DATA = Object.fromEntries(Object.entries(DATA).map(([k, v]) => [k, { value: v }]));

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
  /** Database reads and writes (CloudBase's billing units), and function invocations. */
  reads: number;
  writes: number;
  invocations: number;
  /** Dispatcher: average number of runs in flight (sampled every 200 ms). */
  runsInFlight?: number;
  /** Seeding the audience into the emulator (not measured). */
  prepSeconds?: number;
  /** The emulator process's peak resident memory during the run (GiB). */
  peakRssGiB?: number;
  /** Dispatcher: its runs by outcome (ok, timeout, …): a run killed by its timeout leaves its sends in flight ambiguous. */
  outcomes?: Record<string, number>;
  /** Dispatcher: the distinct failure messages of its runs that did not end ok (at most 5, each shortened). */
  failures?: string[];
  /** Campaign deliveries that ended `unknown`: by reason, by the run that sent them, by the 10 s of their send. */
  unknownBy?: string[];
  /** Wall-clock start of the measurement (ISO), to tell the emulator's stalls during it from earlier ones. */
  startedAt?: string;
  /** Dispatcher: the campaign's counters at the end (every outcome, so what was not sent is accounted for). */
  counters?: Record<string, number>;
  /** Dispatcher: deliveries claimed, and candidates lost to another run's claim (RunSummary.lostClaims, summed). */
  claimed?: number;
  lostClaims?: number;
  /** Dispatcher: database requests by "action collection" (where its requests go). */
  byTarget?: Record<string, number>;
}

/** Database requests by kind since `before` (the emulator's per-action counters): reads, and writes (the rest). */
function dbSplit(emu: Emulator, before: Record<string, number>): { reads: number; writes: number } {
  let reads = 0;
  let writes = 0;
  for (const [action, n] of Object.entries(emu.db.stats().byAction)) {
    const d = n - (before[action] ?? 0);
    if (/get|query|count|aggregate|find/i.test(action)) reads += d;
    else writes += d;
  }
  return { reads, writes };
}

const byAction = (emu: Emulator): Record<string, number> => ({ ...emu.db.stats().byAction });

/**
 * Warm workers for a scenario, so no measurement pays cold starts the others do not: `n` invocations of `fn` at once
 * on an empty database (they find nothing to do), then the data they wrote is dropped; the workers stay warm.
 */
export async function warm(emu: Emulator, fn: string, n: number, event: Record<string, unknown> = {}): Promise<void> {
  await emu.reset();
  await Promise.all(Array.from({ length: n }, () => (fn === 'dispatch' ? emu.trigger('dispatch') : emu.callRaw(fn, event, { kind: 'timer' }))));
  await dispatchIdle(emu);
  await emu.reset();
}

/** Resolves once no `dispatch` run is in flight. */
export async function dispatchIdle(emu: Emulator): Promise<void> {
  while (emu.runner.runningNow().some((r) => r.fn === 'dispatch')) await new Promise((r) => setTimeout(r, 100));
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
  const db0 = emu.db.stats().requests;
  const a0 = byAction(emu);
  const t0 = performance.now();
  const r = await emu.callRaw('loop', { templateId: TPL, limit: sample, data: SEND_DATA }, { kind: 'timer' });
  const seconds = (performance.now() - t0) / 1000;
  if (!r.ok) throw new Error(`loop failed: ${JSON.stringify(r.error)}`);
  const sent = (r.result as { sent: number }).sent;
  const dbRequests = emu.db.stats().requests - db0;
  const split = dbSplit(emu, a0);
  return { label: 'tutorial loop', recipients: sample, sent, seconds, perSecond: sent / seconds, dbRequests, roundTripsPerMessage: dbRequests / sent, ...split, invocations: 1 };
}

/** The competent parallel loop (scripts/bench/functions/parallel): one timer-kind invocation after another until done. */
export async function measureParallel(emu: Emulator, n: number): Promise<Measure> {
  prepare(emu, n);
  const a0 = byAction(emu);
  const db0 = emu.db.stats().requests;
  const sent0 = emu.wechat.stats().delivered;
  const t0 = performance.now();
  let after: string | null = null;
  let invocations = 0;
  for (;;) {
    const r = await emu.callRaw('parallel', { templateId: TPL, data: SEND_DATA, after, budgetMs: 50_000 }, { kind: 'timer' });
    invocations += 1;
    if (!r.ok) throw new Error(`parallel loop failed: ${JSON.stringify(r.error)}`);
    const out = r.result as { after: string | null; done: boolean };
    after = out.after;
    if (out.done) break;
  }
  const seconds = (performance.now() - t0) / 1000;
  const sent = emu.wechat.stats().delivered - sent0;
  const dbRequests = emu.db.stats().requests - db0;
  return {
    label: 'competent parallel loop', recipients: n, sent, seconds, perSecond: sent / seconds, dbRequests, roundTripsPerMessage: dbRequests / sent,
    ...dbSplit(emu, a0), invocations, msPerBatch: (seconds * 1000 * 100) / sent,
  };
}

/**
 * The ceiling: `runs` invocations of scripts/bench/functions/sendonly at once, each sending its share of `n` messages
 * `concurrency` at a time with no database request — the most any sender gets through the emulator here.
 */
export async function measureCeiling(emu: Emulator, n: number, runs: number, concurrency: number): Promise<Measure> {
  prepare(emu, n);
  const sent0 = emu.wechat.stats().delivered;
  const share = Math.ceil(n / runs);
  const t0 = performance.now();
  const rs = await Promise.all(Array.from({ length: runs }, (_, i) =>
    emu.callRaw('sendonly', { templateId: TPL, data: SEND_DATA, from: i * share, count: Math.max(0, Math.min(share, n - i * share)), concurrency }, { kind: 'timer' })));
  const seconds = (performance.now() - t0) / 1000;
  const bad = rs.find((r) => !r.ok);
  if (bad) throw new Error(`send-only run failed: ${JSON.stringify(bad.error)}`);
  const sent = emu.wechat.stats().delivered - sent0;
  return {
    label: `send-only ceiling (${runs} runs × ${concurrency})`, recipients: n, sent, seconds, perSecond: sent / seconds, dbRequests: 0, roundTripsPerMessage: 0,
    reads: 0, writes: 0, invocations: runs, msPerBatch: (seconds * 1000 * 100) / sent,
  };
}

/**
 * Seeds `n` recipients and one campaign, wakes `dispatch` as the campaigns function would (the wake state lowered,
 * one run started), and lets the runs chain themselves through delayed tasks (the emulator fires them in real time)
 * until the campaign completes — or, with `window`, until that many messages were delivered.
 */
export async function measureDispatcher(emu: Emulator, n: number, label: string, window?: number): Promise<Measure> {
  const tPrep = performance.now();
  prepare(emu, n);
  const now = emu.now();
  const id = `bench-${n}`;
  emu.db.insert('campaigns', [{
    _id: id, name: label, templateId: TPL, data: DATA, audience: { kind: 'all' }, sendAt: now - 1000, zone: 'Asia/Shanghai',
    miniprogramState: 'developer', lang: 'zh_CN', status: 'scheduled', createdBy: 'bench', createdAt: now, updatedAt: now,
    counters: { targeted: 0, sent: 0, skipped: 0, failed: 0, unknown: 0, opened: 0 },
  }]);
  // What scheduleWake (adapters/wake.ts) writes for a campaign due now: the state lowered, marked as a campaign's start.
  if (!emu.db.collections().includes('tixing_state')) emu.db.createCollection('tixing_state');
  emu.db.insert('tixing_state', [{ _id: 'dispatch', nextDueAt: now - 1000, rev: 1, rampAt: now - 1000 }]);
  const prepSeconds = (performance.now() - tPrep) / 1000;
  const inv0 = emu.invocations().length;
  const a0 = byAction(emu);
  const t0Targets = emu.db.stats().byTarget;
  const db0 = emu.db.stats().requests;
  const sent0 = emu.wechat.stats().delivered;
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  // The wake-ups the campaigns function arms for a campaign's start, 1 + rampRuns runs (6 s later in the cloud; at
  // once here, so the clock starts with them).
  const first = Promise.all(Array.from({ length: START_RUNS }, () => emu.trigger('dispatch')));
  let lastReport = t0;
  let samples = 0;
  let inFlight = 0;
  let peakRss = process.memoryUsage().rss;
  for (;;) {
    const c = emu.db.find('campaigns', { _id: id })[0] as { status?: string; counters?: { targeted?: number } } | undefined;
    if (c?.status === 'completed') break;
    if (window !== undefined && emu.wechat.stats().delivered - sent0 >= window) break;
    samples += 1;
    inFlight += emu.runner.runningNow().filter((r) => r.fn === 'dispatch').length;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (performance.now() - lastReport >= 15_000) {
      lastReport = performance.now();
      const s = emu.wechat.stats().delivered - sent0;
      console.log(`  … ${((lastReport - t0) / 1000).toFixed(0)} s: ${s} sent, ${c?.counters?.targeted ?? 0} targeted, ${emu.db.stats().requests - db0} db requests, ${(process.memoryUsage().rss / 2 ** 30).toFixed(2)} GiB rss`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const seconds = (performance.now() - t0) / 1000;
  if (window === undefined) {
    await first;
    // Runs still going (follow-ups that found the campaign complete) are counted when they end.
    await dispatchIdle(emu);
  }
  const sent = emu.wechat.stats().delivered - sent0;
  const dbRequests = emu.db.stats().requests - db0;
  const counters = (emu.db.find('campaigns', { _id: id })[0] as { counters?: Record<string, number> } | undefined)?.counters;
  const dispatchRuns = emu.invocations().slice(inv0).filter((e) => e.fn === 'dispatch');
  const runs = dispatchRuns.length;
  let claimed = 0;
  let lostClaims = 0;
  const outcomes: Record<string, number> = {};
  for (const e of dispatchRuns) outcomes[e.outcome] = (outcomes[e.outcome] ?? 0) + 1;
  const failures = [...new Set(dispatchRuns.filter((e) => e.outcome !== 'ok' && e.error).map((e) => `${e.outcome}: ${e.error!.slice(0, 160)}`))].slice(0, 5);
  for (const e of dispatchRuns) {
    const a = emu.runner.detail(e.id)?.answer as { claimed?: number; lostClaims?: number } | undefined;
    claimed += a?.claimed ?? 0;
    lostClaims += a?.lostClaims ?? 0;
  }
  if (window !== undefined) label = `${label} (first ${sent})`;
  const unknownBy = (counters?.unknown ?? 0) > 0 ? unknownBreakdown(emu.db.find('deliveries', { sourceId: id, status: 'unknown' }), emu.now() - Date.now()) : undefined;
  return {
    label, recipients: n, sent, seconds, perSecond: sent / seconds, dbRequests, roundTripsPerMessage: dbRequests / sent,
    runs, msPerBatch: (seconds * 1000 * 100) / sent, ...dbSplit(emu, a0), invocations: runs,
    runsInFlight: samples ? inFlight / samples : undefined, prepSeconds, claimed, lostClaims, counters, outcomes, failures, peakRssGiB: peakRss / 2 ** 30, unknownBy, startedAt,
    byTarget: Object.fromEntries(Object.entries(emu.db.stats().byTarget).map(([k, n]) => [k, n - (t0Targets[k] ?? 0)]).filter(([, n]) => (n as number) > 0)),
  };
}

/**
 * Where `unknown` deliveries came from: their reason, and the 10 s windows in which they were settled (top 3; in real
 * time, `offset` = emulator clock − real clock, so they compare with the emulator's stalls). A settled delivery keeps
 * neither its run nor its send time.
 */
function unknownBreakdown(docs: Record<string, unknown>[], offset: number): string[] {
  const top = (key: (d: Record<string, unknown>) => string): string => {
    const n = new Map<string, number>();
    for (const d of docs) n.set(key(d), (n.get(key(d)) ?? 0) + 1);
    return [...n].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, c]) => `${k} ${c}`).join(', ') + (n.size > 3 ? ` (${n.size} in all)` : '');
  };
  return [
    `by reason: ${top((d) => String(d.reason ?? '?'))}`,
    `by 10 s in which they were settled: ${top((d) => (typeof d.updatedAt === 'number' ? new Date(Math.floor((d.updatedAt - offset) / 10_000) * 10_000).toISOString().slice(11, 19) : '?'))}`,
  ];
}

/** The idle cost: the virtual clock walked `hours` forward with nothing to do (heartbeats, the janitor run). */
export async function measureIdle(emu: Emulator, hours: number): Promise<{ dbRequests: number; reads: number; writes: number; invocations: number; perDay: number }> {
  prepare(emu, 0); // the collections `setup` creates
  await emu.trigger('dispatch'); // the state exists (a first run creates it)
  const inv0 = emu.invocations().length;
  const a0 = byAction(emu);
  const db0 = emu.db.stats().requests;
  await emu.advance(hours * 3600_000);
  const dbRequests = emu.db.stats().requests - db0;
  return { dbRequests, ...dbSplit(emu, a0), invocations: emu.invocations().length - inv0, perDay: (dbRequests * 24) / hours };
}
