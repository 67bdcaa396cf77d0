// Core (dispatch): the "next work" state — one document says when `dispatch` next has something to do, so an idle
// run costs one read. The rules that keep it safe when timers fire twice and invocations die half-way:
//
// - Writers of due work (reminders, campaigns, outbox, inline retries, notify…) write their work FIRST, then call
//   `scheduleWake(at)`: one atomic update `nextDueAt = min(nextDueAt, at)` with `rev + 1` (update command `min`
//   [CMD-DOC]). It always bumps `rev`, lowered or not.
// - A run reads the state once. `nextDueAt > now` → idle: nothing else is read. Otherwise it works, then — only if
//   it saw nothing left to do right away — computes the earliest due time from the queue and *raises* `nextDueAt`
//   with an update conditional on the `rev` it read at its start. Any wake (or busy run, below) that happened since
//   changed `rev`, so a raise computed from stale reads fails and the next run looks again.
// - A run that claims work bumps `rev` before its first claim, and lowers `nextDueAt` to now at its end (its own
//   retries and requeues): a concurrent run's raise cannot hide what it is doing.
// - A writer killed between its work and its wake, a lost delayed task, a wake armed while a writer had no
//   cloud-call token: the work is found by the next full run — at the latest the janitor run (`janitorMs`, forced by
//   the cap on `nextDueAt`) or the heartbeat that arms the wake (`heartbeatMs`). An un-updated `nextDueAt` costs an
//   extra run or some latency, never a send.
//
// Wake-ups: `cloudbase.addDelayedFunctionTask` [DELAYED] runs `dispatch` after 6 s to 30 days, at least once, with
// no id and no cancel. It is armed by whoever sets a due time within the next heartbeat (writers, a run's raise)
// and by the heartbeat timer run itself for a due time before its next tick; a busy run arms a follow-up run every
// `chainMs` (deduplicated through `chainAt`: `followUpAt`), so a long campaign keeps at most ~timeout/chainMs runs
// overlapping (4–5 measured: a run stops claiming well before its timeout).
//
// A campaign's start arms `startRuns` (1 + rampRuns) runs at once instead of one, so a big audience is worked by
// several runs from its first second rather than by one run until the ramp's delayed tasks come (6 s at the
// soonest). The state remembers it (`rampAt`): a writer of a campaign lowers `rampAt` with `nextDueAt`, a run's
// raise sets it when the next due time is a scheduled campaign's and removes it otherwise, and whoever arms the
// wake-up for `nextDueAt` arms `startRuns` when `rampAt` is that same time (`runsFor`). Extra runs are only runs:
// each claims atomically, so a ramp costs invocations (a small campaign's extra runs find nothing), never a send.

/** The state document (collection `tixing_state`, id `dispatch`). */
export interface WakeState {
  /** The earliest time some work may be due (epoch ms); ≤ now means a full run. */
  nextDueAt: number;
  /** Bumped by every wake and every busy run: a raise is conditional on it. */
  rev: number;
  /** When the follow-up run armed by a busy run is due. */
  chainAt?: number;
  /** A campaign starts at this due time: its wake-up arms `startRuns` runs (runsFor). */
  rampAt?: number;
}

/** The state's store: each method one database round trip unless noted. */
export interface WakeStore {
  read(): Promise<WakeState | null>;
  /** Creates the document (`nextDueAt` = `at`, rev 0) if missing; false when it already existed. */
  create(at: number): Promise<boolean>;
  /** `nextDueAt = min(nextDueAt, at)`, `rev + 1` (and `rampAt = min(rampAt, at)` for a campaign's start) — one atomic update. */
  lower(at: number, ramp?: boolean): Promise<void>;
  /** `nextDueAt = at`, `rev + 1`, `rampAt` = `at` when `ramp` else removed — only while `rev` is still `rev`. */
  raise(rev: number, at: number, ramp?: boolean): Promise<boolean>;
  /** `chainAt = at` only if no follow-up run is armed for `before` or later (chainAt < before or missing); `rev + 1` always. */
  chain(at: number, before: number): Promise<boolean>;
}

/** Asks the platform to run `dispatch` once after `delaySec` seconds ([DELAYED]: 6 s to 30 days). */
export type ArmWake = (delaySec: number) => Promise<void>;

/** [DELAYED] delay_time bounds, in seconds. */
export const DELAY_MIN_S = 6;
export const DELAY_MAX_S = 30 * 86_400;

/** The delay to arm for a wake at `at`: whole seconds, never early (rounded up), within [DELAY_MIN_S, DELAY_MAX_S]. */
export function armDelaySec(at: number, now: number): number {
  return Math.min(DELAY_MAX_S, Math.max(DELAY_MIN_S, Math.ceil((at - now) / 1000)));
}

export interface WakeTiming {
  /** The timer trigger's period (config.json): a safety net, and the horizon within which wakes are armed. */
  heartbeatMs: number;
  /** Extra runs a campaign's start arms at once (DispatchConfig.rampRuns). */
  rampRuns: number;
}

/** The runs a campaign's start arms at once: 1 + rampRuns. */
export function startRuns(t: Pick<WakeTiming, 'rampRuns'>): number {
  return 1 + t.rampRuns;
}

/** How many runs the wake-up for `state.nextDueAt` arms: startRuns when it is a campaign's start, else 1. */
export function runsFor(state: Pick<WakeState, 'nextDueAt' | 'rampAt'>, t: Pick<WakeTiming, 'rampRuns'>): number {
  return state.rampAt !== undefined && state.rampAt === state.nextDueAt ? startRuns(t) : 1;
}

/**
 * The follow-up run of a busy period: `chain(at, before)` arms one `chainMs` ahead only once the one armed before is
 * due (`chainAt < before`: at the latest within the next second, so a delayed run that fires a little early still
 * arms the next). So a new run joins about every `chainMs` whatever the number of runs that start or end meanwhile
 * (each of them asks), and a long campaign keeps at most about timeout ÷ chainMs runs overlapping. (It was "none due
 * within the next chainMs − 2 s": with every start and end asking, a long campaign gained a run every ~4 s and kept
 * 12.4 in flight on a million recipients; 3.9 since.)
 */
export function followUpAt(now: number, chainMs: number): { at: number; before: number } {
  return { at: now + chainMs, before: now + 1000 };
}

/**
 * Whether a full run starting at `start` may arm the ramp (rampRuns more at once) when a full batch is due: it starts
 * a busy period (no follow-up run armed within the last chain period), and it is not itself one of the runs a
 * campaign's start armed together (`rampAt` within the last chain period): those are the ramp already.
 */
export function mayRamp(state: Pick<WakeState, 'chainAt' | 'rampAt'> | null, start: number, chainMs: number): boolean {
  const fresh = state?.chainAt === undefined || state.chainAt < start - chainMs;
  const rampedStart = state?.rampAt !== undefined && state.rampAt <= start && state.rampAt > start - chainMs;
  return fresh && !rampedStart;
}

/** Arms `runs` delayed runs after `delaySec` (rejects when the first call fails: the rest would fail alike). */
export async function armRuns(arm: ArmWake, delaySec: number, runs: number): Promise<void> {
  await arm(delaySec);
  if (runs > 1) await Promise.all(Array.from({ length: runs - 1 }, () => arm(delaySec).catch(() => undefined)));
}

/** The delayed task's data (adapters/wake.ts, client/notify.ts): `dispatch` knows it was woken (and does not re-arm from an idle look). */
export const WAKE_EVENT = { wake: true } as const;

/**
 * Whether a wake at `at` is armed now: only when it is due before the heartbeat after next could arm it — further
 * away, a heartbeat run arms it when it comes within reach (one delayed task instead of one per write).
 */
export function armsNow(at: number, now: number, t: Pick<WakeTiming, 'heartbeatMs'>): boolean {
  return at <= now + t.heartbeatMs + 60_000;
}

/**
 * What a writer calls after writing due work: lower the state, arm a wake-up if it falls before the next tick.
 * `campaign`: the work is a campaign's start (several runs at once, see `rampAt` above).
 */
export async function scheduleWake(store: Pick<WakeStore, 'lower'>, arm: ArmWake | undefined, at: number, now: number, t: WakeTiming, log: (line: string) => void, campaign = false): Promise<void> {
  await store.lower(at, campaign);
  if (!arm || !armsNow(at, now, t)) return;
  try {
    await armRuns(arm, armDelaySec(at, now), campaign ? startRuns(t) : 1);
  } catch (err) {
    // The state is written: the heartbeat arms it instead (within one period).
    log(`wake-up not armed (${err instanceof Error ? err.message : String(err)}); the heartbeat will pick it up`);
  }
}

/** Due times a run gathered; `undefined` entries are ignored. The earliest, capped at `now + janitorMs`. */
export function earliest(now: number, janitorMs: number, times: readonly (number | undefined)[]): number {
  return Math.min(now + janitorMs, ...times.filter((t): t is number => t !== undefined && Number.isFinite(t)));
}
