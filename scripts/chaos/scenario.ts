// Scripts (chaos): one randomised round of the send path under faults, against the emulator with the real functions
// and the real wx-server-sdk, and the invariants it must keep. Used by `npm run chaos -- --seeds N` (scripts/chaos.ts)
// and by the CI-sized test (test/dispatch/chaos.e2e.test.ts).
//
// A seed sets up: users with 1–3 sends left; power users with 20–24 sends left and 16–20 reminders due at once;
// ordinary users with a reminder due at the same time as 1–3 campaigns to everyone (all capped, or none); then a
// few rounds of 1–3 dispatch runs at once, each possibly killed after a number of requests or a time (including
// while its sends await WeChat's answer), with WeChat answering -1, timing out and lagging, while users accept
// again mid-run (WeChat counts the tap at once, Tixing when the `subscriptions` report arrives). Then clean runs
// drain the queue and the invariants are checked:
//
//   final      every delivery ends final; no hold left on any grant, no delivery left `holdOpen`
//   once       no message twice in an inbox; a `sent` delivery is in the inbox exactly once; `skipped`/`failed` never
//   ledger     for every user: WeChat's count − the ledger = that user's `unknown` deliveries that never arrived
//              (never negative: the ledger is never above WeChat; equal whenever nothing is ambiguous)
//   cap        with capped campaigns, no user has more campaign messages than the cap
//   stats      a completed campaign's counters equal its deliveries, and its messages in inboxes = sent + the
//              unknown ones that arrived
import type { Emulator } from '../../emulator';
import type { Delivery } from '../../core/delivery';
import { newGrantDoc } from '../../core/grants/model';
import { DEFAULT_DISPATCH_CONFIG } from '../../core/dispatch/config';
import indexes from '../../config/indexes.json';

export const TPL = 'TPL_EVENT_REMINDER';
const DATA = { thing1: '周末读书会', time2: '2026-05-02 09:00', thing3: '图书馆', thing4: '请准时到场' };
const WX_DATA = Object.fromEntries(Object.entries(DATA).map(([k, v]) => [k, { value: v }]));
const PAGE = 'pages/events/events';
const LEASE = DEFAULT_DISPATCH_CONFIG.leaseMs;

import { int, mulberry32 } from '../../test/support/random';

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

export interface ChaosOptions {
  /** Ordinary users (default 20–40). */
  users?: [number, number];
  /** Rounds of concurrent runs before the drain (default 3–5). */
  rounds?: [number, number];
}

export interface SeedReport {
  seed: number;
  deliveries: number;
  sent: number;
  skipped: number;
  failed: number;
  unknownArrived: number;
  unknownLost: number;
  runs: number;
  killed: number;
  accepts: number;
  capped: boolean;
  drainRuns: number;
  violations: string[];
}

/** Runs one seed on a running emulator (it is reset first). Never throws for a broken invariant: see `violations`. */
export async function chaosSeed(emu: Emulator, seed: number, opts: ChaosOptions = {}): Promise<SeedReport> {
  const r = mulberry32(seed);
  await emu.reset();
  for (const name of [...Object.keys(indexes.collections), 'send_log']) if (!emu.db.collections().includes(name)) emu.db.createCollection(name);
  const now = emu.now();
  const [uMin, uMax] = opts.users ?? [20, 40];
  const users = Array.from({ length: int(r, uMin, uMax) }, (_, i) => `o-c${String(i).padStart(4, '0')}`);
  const power = Array.from({ length: int(r, 1, 2) }, (_, i) => `o-p${i}`);
  const grants = new Map<string, number>();
  for (const o of users) grants.set(o, int(r, 1, 3));
  for (const o of power) grants.set(o, int(r, 20, 24));
  emu.db.insert('grants', [...grants].map(([o, q]) => ({ ...newGrantDoc(o, TPL, 'one-time', now), remaining: q, granted: q, lastResult: 'accept' })));
  for (const [o, q] of grants) emu.wechat.setQuota(o, TPL, q);

  // Reminders: many at once for power users, one for some ordinary users (due together with the campaigns).
  const reminders: Delivery[] = [];
  const reminder = (o: string, k: number): Delivery => {
    const _id = `reminder:chaos${k}:${o}`;
    return { _id, sourceType: 'reminder', sourceId: `chaos${k}`, openid: o, templateId: TPL, page: `${PAGE}?deliveryId=${_id}`, data: WX_DATA, status: 'pending', dueAt: now, attempts: 0, nextAttemptAt: now, createdAt: now, updatedAt: now };
  };
  for (const o of power) for (let k = 0; k < int(r, 16, 20); k++) reminders.push(reminder(o, k));
  for (const o of users) if (r() < 0.3) reminders.push(reminder(o, 0));
  emu.db.insert('deliveries', reminders as unknown as Record<string, unknown>[]);

  const capped = r() < 0.6;
  const cap = { max: int(r, 1, 2), perHours: 24 };
  const campaigns = Array.from({ length: int(r, 1, 3) }, (_, i) => ({
    _id: `chaos-${seed}-${i}`, name: `chaos ${i}`, templateId: TPL, data: DATA, page: PAGE, audience: { kind: 'all' },
    sendAt: now - 1000, zone: 'Asia/Shanghai', miniprogramState: 'developer', lang: 'zh_CN', status: 'scheduled',
    counters: { targeted: 0, sent: 0, skipped: 0, failed: 0, unknown: 0, opened: 0 }, createdBy: 'chaos', createdAt: now, updatedAt: now,
    ...(capped ? { frequencyCap: cap } : {}),
  }));
  emu.db.insert('campaigns', campaigns);

  const report: SeedReport = { seed, deliveries: 0, sent: 0, skipped: 0, failed: 0, unknownArrived: 0, unknownLost: 0, runs: 0, killed: 0, accepts: 0, capped, drainRuns: 0, violations: [] };
  const [rMin, rMax] = opts.rounds ?? [3, 5];
  const rounds = int(r, rMin, rMax);
  for (let round = 0; round < rounds; round++) {
    emu.wechat.setFaults({ systemErrorRate: r() * 0.2, timeoutRate: r() < 0.5 ? r() * 0.03 : 0, resetRate: r() < 0.5 ? r() * 0.03 : 0, latency: { minMs: 0, maxMs: int(r, 0, 40) } });
    const runs = Array.from({ length: int(r, 1, 3) }, () => {
      const k = r();
      const kill = k < 0.35 ? { killAfterRequests: int(r, 1, 80) } : k < 0.6 ? { killAfterMs: int(r, 20, 400) } : {};
      return emu.trigger('dispatch', kill).then((f) => f.invocation);
    });
    const accepts = Array.from({ length: int(r, 0, 3) }, async () => {
      const o = r() < 0.7 ? users[int(r, 0, users.length - 1)]! : power[0]!;
      await sleep(int(r, 0, 150));
      emu.requestSubscribe(o, [TPL], { [TPL]: 'accept' });
      const requestId = `chaos-${seed}-${round}-${Math.floor(r() * 1e9)}`;
      await emu.call('subscriptions', o, { action: 'record', requestId, placement: { page: PAGE, button: 'chaos' }, tmplIds: [TPL], result: { [TPL]: 'accept' } });
      report.accepts += 1;
    });
    const done = await Promise.all(runs);
    await Promise.all(accepts);
    report.runs += done.length;
    report.killed += done.filter((i) => !i.ok).length;
    // A dead worker's last requests land (or not) — in the cloud too.
    await sleep(150);
    emu.clock.advance([1000, 5000, 20_000, LEASE + 1000, 180_000][int(r, 0, 4)]!);
  }

  // Drain: no faults, runs one at a time, the clock moved past leases and retry backoffs.
  emu.wechat.setFaults({});
  for (let i = 0; i < 80; i++) {
    const inv = (await emu.trigger('dispatch')).invocation;
    report.drainRuns += 1;
    if (!inv.ok) report.violations.push(`drain run ${i} failed: ${JSON.stringify(inv.error)}`);
    // Open work includes settlements a killed run left half-written (`holdOpen`): the next run past a lease ends them.
    const open = emu.db.find('deliveries', { $or: [{ status: { $in: ['pending', 'sending'] } }, { holdOpen: true }] }).length;
    const running = emu.db.find('campaigns', { status: { $in: ['scheduled', 'running'] } }).length;
    if (!open && !running) break;
    emu.clock.advance(Math.max(LEASE + 1000, 180_000));
  }
  check(emu, report, [...grants.keys()], capped ? cap : undefined);
  return report;
}

function check(emu: Emulator, report: SeedReport, openids: string[], cap: { max: number } | undefined): void {
  const v = report.violations;
  const ds = emu.db.find('deliveries', {}) as unknown as Delivery[];
  report.deliveries = ds.length;
  const byId = new Map(ds.map((d) => [d._id, d]));
  const lostBy = new Map<string, number>();
  const inboxOf = new Map<string, number>();
  for (const o of openids) {
    const inbox = emu.inbox(o);
    let campaignMsgs = 0;
    for (const item of inbox) {
      const id = /deliveryId=([^&]+)/.exec(item.page ?? '')?.[1];
      if (!id) {
        v.push(`${o}: a message without a delivery id: ${item.page}`);
        continue;
      }
      inboxOf.set(decodeURIComponent(id), (inboxOf.get(decodeURIComponent(id)) ?? 0) + 1);
      if (id.startsWith('campaign:')) campaignMsgs += 1;
    }
    if (cap && campaignMsgs > cap.max) v.push(`${o}: ${campaignMsgs} campaign messages, cap ${cap.max}`);
  }
  for (const d of ds) {
    const n = inboxOf.get(d._id) ?? 0;
    if (n > 1) v.push(`${d._id}: in the inbox ${n} times (status ${d.status})`);
    if (d.status === 'pending' || d.status === 'sending') v.push(`${d._id}: not final (${d.status})`);
    if (d.holdOpen) v.push(`${d._id}: holdOpen left`);
    if (d.status === 'sent') {
      report.sent += 1;
      if (n !== 1) v.push(`${d._id}: sent but in the inbox ${n} times`);
    } else if (d.status === 'unknown') {
      if (n) report.unknownArrived += 1;
      else {
        report.unknownLost += 1;
        lostBy.set(d.openid, (lostBy.get(d.openid) ?? 0) + 1);
      }
    } else {
      if (d.status === 'skipped') report.skipped += 1;
      if (d.status === 'failed') report.failed += 1;
      if (n) v.push(`${d._id}: ${d.status} (${d.reason}) but in the inbox`);
    }
  }
  for (const id of inboxOf.keys()) if (!byId.has(id)) v.push(`${id}: in an inbox, no delivery`);
  for (const o of openids) {
    const g = emu.db.find('grants', { _id: `g:${o}:${TPL}` })[0] as { remaining?: number; holds?: string[] } | undefined;
    const left = g?.remaining ?? 0;
    const wx = emu.quota(o, TPL);
    if (left < 0) v.push(`${o}: ledger negative (${left})`);
    if ((g?.holds ?? []).length) v.push(`${o}: holds left ${JSON.stringify(g?.holds)}`);
    const lost = lostBy.get(o) ?? 0;
    if (wx - left !== lost) v.push(`${o}: WeChat ${wx} − ledger ${left} ≠ ${lost} unknown never arrived`);
  }
  for (const c of emu.db.find('campaigns', {}) as { _id: string; status: string; counters: Record<string, number> }[]) {
    if (c.status !== 'completed') {
      v.push(`campaign ${c._id}: ${c.status}`);
      continue;
    }
    const mine = ds.filter((d) => d.sourceId === c._id);
    for (const s of ['sent', 'skipped', 'failed', 'unknown'] as const) {
      const n = mine.filter((d) => d.status === s).length;
      if (c.counters[s] !== n) v.push(`campaign ${c._id}: counters.${s} ${c.counters[s]} ≠ ${n} deliveries`);
    }
    const inInbox = mine.reduce((a, d) => a + (inboxOf.get(d._id) ?? 0), 0);
    const arrived = mine.filter((d) => d.status === 'sent' || (d.status === 'unknown' && inboxOf.has(d._id))).length;
    if (inInbox !== arrived) v.push(`campaign ${c._id}: ${inInbox} in inboxes ≠ ${arrived} sent or arrived`);
  }
}

/** Adds up seed reports for a summary line. */
const SUMMED = ['deliveries', 'sent', 'skipped', 'failed', 'unknownArrived', 'unknownLost', 'runs', 'killed', 'accepts', 'drainRuns'] as const;
export type ChaosSummary = Record<(typeof SUMMED)[number] | 'seeds' | 'violations', number>;

export function summarise(reports: readonly SeedReport[]): ChaosSummary {
  const sum = (f: (r: SeedReport) => number) => reports.reduce((a, r) => a + f(r), 0);
  const out = { seeds: reports.length, violations: sum((r) => r.violations.length) } as ChaosSummary;
  for (const k of SUMMED) out[k] = sum((r) => r[k]);
  return out;
}
