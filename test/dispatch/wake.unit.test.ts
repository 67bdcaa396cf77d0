// Unit (core/dispatch/wake.ts, core/dispatch/run.ts; fixed clock, an in-memory wake store, fakes of the other
// ports): an idle run touches nothing but the state; a raise computed before a writer's wake fails; a writer's wake
// arms a delayed run only when it falls before the heartbeat's next tick.
import { DEFAULT_DISPATCH_CONFIG } from '../../core/dispatch/config';
import type { DispatchDeps } from '../../core/dispatch/ports';
import { runDispatch } from '../../core/dispatch/run';
import { armDelaySec, armsNow, earliest, followUpAt, mayRamp, runsFor, scheduleWake, type WakeState, type WakeStore } from '../../core/dispatch/wake';
import { mulberry32 } from '../support/random';

/** What adapters/wake.ts does on the database, in memory (each method atomic). */
function memoryStore(initial: WakeState | null): WakeStore & { state: WakeState | null; calls: string[] } {
  const s = {
    state: initial ? { ...initial } : null,
    calls: [] as string[],
    async read() {
      s.calls.push('read');
      return s.state ? { ...s.state } : null;
    },
    async create(at: number) {
      s.calls.push('create');
      if (s.state) return false;
      s.state = { nextDueAt: at, rev: 0 };
      return true;
    },
    async lower(at: number, ramp?: boolean) {
      s.calls.push('lower');
      if (!s.state) return;
      s.state = { ...s.state, nextDueAt: Math.min(s.state.nextDueAt, at), rev: s.state.rev + 1 };
      if (ramp) s.state.rampAt = Math.min(s.state.rampAt ?? Infinity, at);
    },
    async raise(rev: number, at: number, ramp?: boolean) {
      s.calls.push('raise');
      if (!s.state || s.state.rev !== rev) return false;
      const { rampAt: _old, ...rest } = s.state;
      s.state = { ...rest, nextDueAt: at, rev: rev + 1, ...(ramp ? { rampAt: at } : {}) };
      return true;
    },
    async chain(at: number, before: number) {
      s.calls.push('chain');
      if (!s.state) return false;
      const free = s.state.chainAt === undefined || s.state.chainAt < before;
      s.state = { ...s.state, rev: s.state.rev + 1, ...(free ? { chainAt: at } : {}) };
      return free;
    },
  };
  return s;
}

/** Deps whose every port except the wake state throws: an idle run must not reach them. */
function strictDeps(now: number, wake: WakeStore, armed: number[]): DispatchDeps {
  const forbidden = new Proxy({}, { get: (_, k) => { throw new Error(`idle run touched ${String(k)}`); } });
  return {
    clock: { now: () => now }, random: () => 0.5, sleep: async () => undefined, runId: 'r1', config: DEFAULT_DISPATCH_CONFIG,
    send: { miniprogramState: 'developer', lang: 'zh_CN' }, log: () => undefined,
    campaigns: forbidden, audience: forbidden, deliveries: forbidden, grants: forbidden, templates: forbidden, wechat: forbidden,
    wake, arm: async (sec: number) => void armed.push(sec),
  } as unknown as DispatchDeps;
}

const NOW = Date.parse('2026-05-01T00:00:00Z');
const HB = DEFAULT_DISPATCH_CONFIG.heartbeatMs;

it('an idle run reads the state once and nothing else; the heartbeat arms a wake-up only for work before its next tick', async () => {
  const far = memoryStore({ nextDueAt: NOW + 2 * HB, rev: 3 });
  const armed: number[] = [];
  await expect(runDispatch(strictDeps(NOW, far, armed), 'timer')).resolves.toMatchObject({ idle: true, nextDueAt: NOW + 2 * HB });
  expect(far.calls).toEqual(['read']);
  expect(armed).toEqual([]);
  const near = memoryStore({ nextDueAt: NOW + 90_500, rev: 3 });
  await expect(runDispatch(strictDeps(NOW, near, armed), 'timer')).resolves.toMatchObject({ idle: true, armedSec: 91 });
  expect(near.calls).toEqual(['read']);
  expect(armed).toEqual([91]);
  // A delayed run never arms from an idle look (a task fired twice would multiply).
  await runDispatch(strictDeps(NOW, near, armed), 'wake');
  expect(armed).toEqual([91]);
});

it('a raise computed from reads older than a writer\'s wake fails (rev changed), so the wake is never hidden', async () => {
  const store = memoryStore({ nextDueAt: NOW - 1, rev: 7 });
  const seen = (await store.read())!; // a full run starts: rev 7
  await store.lower(NOW + 5_000); // a writer writes work due in 5 s, then wakes (after the run's queue reads)
  expect(await store.raise(seen.rev, NOW + 6 * 3600_000)).toBe(false);
  expect(store.state).toMatchObject({ nextDueAt: NOW - 1, rev: 8 });
  // Without a wake in between the raise applies.
  const fresh = (await store.read())!;
  expect(await store.raise(fresh.rev, NOW + 3600_000)).toBe(true);
  expect(store.state?.nextDueAt).toBe(NOW + 3600_000);
  // A later wake lowers it again, whatever the stored value.
  await store.lower(NOW + 60_000);
  expect(store.state?.nextDueAt).toBe(NOW + 60_000);
});

it('scheduleWake lowers always and arms only when due before the heartbeat\'s next tick; a failed arm is not thrown', async () => {
  const store = memoryStore({ nextDueAt: NOW + 86_400_000, rev: 0 });
  const armed: number[] = [];
  const t = { heartbeatMs: HB, rampRuns: 3 };
  await scheduleWake(store, async (s) => void armed.push(s), NOW + 3 * 3600_000, NOW, t, () => undefined);
  expect(store.state?.nextDueAt).toBe(NOW + 3 * 3600_000);
  expect(armed).toEqual([]);
  await scheduleWake(store, async (s) => void armed.push(s), NOW + 1_500, NOW, t, () => undefined);
  expect(armed).toEqual([6]); // [DELAYED] at least 6 s
  const lines: string[] = [];
  await scheduleWake(store, async () => { throw new Error('-501007 missing wxCloudApiToken'); }, NOW + 20_000, NOW, t, (l) => lines.push(l));
  expect(store.state?.nextDueAt).toBe(NOW + 1_500);
  expect(lines[0]).toMatch(/heartbeat/);
});

it('delays are whole seconds, never early, within 6 s and 30 days; the next due time is capped by the janitor', () => {
  expect(armDelaySec(NOW + 10_001, NOW)).toBe(11);
  expect(armDelaySec(NOW - 5_000, NOW)).toBe(6);
  expect(armDelaySec(NOW + 90 * 86_400_000, NOW)).toBe(30 * 86_400);
  expect(armsNow(NOW + HB + 60_000, NOW, { heartbeatMs: HB })).toBe(true);
  expect(armsNow(NOW + HB + 60_001, NOW, { heartbeatMs: HB })).toBe(false);
  expect(earliest(NOW, 3600_000, [undefined, NOW + 5_000, NaN])).toBe(NOW + 5_000);
  expect(earliest(NOW, 3600_000, [])).toBe(NOW + 3600_000);
});

it('a campaign\'s start arms 1 + rampRuns runs at once: from its writer, and from the heartbeat when the state says so', async () => {
  const RAMP = DEFAULT_DISPATCH_CONFIG.rampRuns;
  const store = memoryStore({ nextDueAt: NOW + 86_400_000, rev: 0 });
  const armed: number[] = [];
  const t = { heartbeatMs: HB, rampRuns: RAMP };
  // A campaign due in 30 s: the writer lowers the state with rampAt and arms the runs itself.
  await scheduleWake(store, async (s) => void armed.push(s), NOW + 30_000, NOW, t, () => undefined, true);
  expect(store.state).toMatchObject({ nextDueAt: NOW + 30_000, rampAt: NOW + 30_000 });
  expect(armed).toEqual(new Array(1 + RAMP).fill(30));
  // Other work (a reminder) arms one run, and its earlier due time is no campaign's start.
  armed.length = 0;
  await scheduleWake(store, async (s) => void armed.push(s), NOW + 20_000, NOW, t, () => undefined);
  expect(armed).toEqual([20]);
  expect(runsFor(store.state!, t)).toBe(1);
  // A campaign due in 3 hours: nothing armed now; the heartbeat that comes within reach arms the runs.
  const later = memoryStore({ nextDueAt: NOW + 86_400_000, rev: 0 });
  armed.length = 0;
  await scheduleWake(later, async (s) => void armed.push(s), NOW + 3 * 3600_000, NOW, t, () => undefined, true);
  expect(armed).toEqual([]);
  const beat = NOW + 3 * 3600_000 - 5 * 60_000;
  await expect(runDispatch(strictDeps(beat, later, armed), 'timer')).resolves.toMatchObject({ idle: true, armedSec: 300 });
  expect(later.calls).toEqual(['lower', 'read']);
  expect(armed).toEqual(new Array(1 + RAMP).fill(300));
  // A failing arm is reported once; the state is written all the same.
  const lines: string[] = [];
  await scheduleWake(memoryStore({ nextDueAt: NOW + HB * 10, rev: 0 }), async () => { throw new Error('no token'); }, NOW + 10_000, NOW, t, (l) => lines.push(l), true);
  expect(lines).toHaveLength(1);
});

it('a raise sets rampAt only when the next due time is a scheduled campaign\'s start, and removes a stale one', async () => {
  const store = memoryStore({ nextDueAt: NOW - 1, rev: 1, rampAt: NOW - 60_000 });
  expect(await store.raise(1, NOW + 5_000)).toBe(true);
  expect(store.state?.rampAt).toBeUndefined();
  expect(await store.raise(2, NOW + 9_000, true)).toBe(true);
  expect(store.state).toMatchObject({ nextDueAt: NOW + 9_000, rampAt: NOW + 9_000 });
  expect(runsFor(store.state!, { rampRuns: 3 })).toBe(4);
  expect(runsFor({ nextDueAt: NOW, rampAt: NOW - 1 }, { rampRuns: 3 })).toBe(1);
});

it('a run that starts a busy period may ramp, unless a follow-up is armed or it is one of the runs a campaign\'s start armed together', () => {
  const CHAIN = DEFAULT_DISPATCH_CONFIG.chainMs;
  expect(mayRamp(null, NOW, CHAIN)).toBe(true);
  expect(mayRamp({ chainAt: NOW - CHAIN - 1 }, NOW, CHAIN)).toBe(true);
  expect(mayRamp({ chainAt: NOW + 5_000 }, NOW, CHAIN)).toBe(false);
  // The four runs of a campaign's start (rampAt just passed): they are the ramp.
  expect(mayRamp({ rampAt: NOW - 200 }, NOW, CHAIN)).toBe(false);
  // A stale rampAt (a campaign that started long ago) or one still ahead does not stop a ramp.
  expect(mayRamp({ rampAt: NOW - CHAIN - 1 }, NOW, CHAIN)).toBe(true);
  expect(mayRamp({ rampAt: NOW + 60_000 }, NOW, CHAIN)).toBe(true);
});

it('a long busy period gains one run per chain period, however many runs start and end meanwhile (at most about timeout ÷ chainMs overlap)', async () => {
  // Every run asks for a follow-up at its start (before its first claim) and at its end (work still due), as run.ts
  // does through `followUpAt` and the store's atomic `chain`. The platform starts a delayed run up to 0.8 s late or
  // 0.3 s early; a run lives 40–60 s (its budget, a slow database). Ten busy minutes after a campaign's start (4 runs).
  const { chainMs, timeoutMs } = DEFAULT_DISPATCH_CONFIG;
  const BUSY = 10 * 60_000;
  for (let seed = 1; seed <= 20; seed++) {
    const rand = mulberry32(seed);
    const store = memoryStore({ nextDueAt: NOW, rev: 0 });
    const events: { t: number; kind: 'start' | 'end' }[] = [0, 1, 2, 3].map(() => ({ t: NOW, kind: 'start' as const }));
    const lives: [number, number][] = [];
    while (events.length) {
      events.sort((a, b) => a.t - b.t);
      const e = events.shift()!;
      if (e.kind === 'start') {
        const end = e.t + 40_000 + rand() * (timeoutMs - 40_000);
        lives.push([e.t, end]);
        events.push({ t: end, kind: 'end' });
      }
      if (e.t >= NOW + BUSY) continue; // the campaign is done: no more follow-ups
      const next = followUpAt(e.t, chainMs);
      if (await store.chain(next.at, next.before)) events.push({ t: next.at - 300 + rand() * 1100, kind: 'start' });
    }
    // Runs alive, sampled every second after the first two minutes.
    const alive: number[] = [];
    for (let t = NOW + 120_000; t < NOW + BUSY; t += 1000) alive.push(lives.filter(([a, b]) => a <= t && t < b).length);
    const mean = alive.reduce((a, b) => a + b, 0) / alive.length;
    expect(Math.min(...alive)).toBeGreaterThanOrEqual(3); // the chain never breaks
    expect(mean).toBeLessThanOrEqual(timeoutMs / chainMs + 0.5);
    expect(Math.max(...alive)).toBeLessThanOrEqual(timeoutMs / chainMs + 2);
    // One new run per chain period (a little early or late), not one per start or end.
    expect(lives.filter(([a]) => a > NOW && a < NOW + BUSY).length).toBeLessThanOrEqual(BUSY / (chainMs - 1000) + 1);
  }
});
