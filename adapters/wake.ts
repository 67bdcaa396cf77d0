// Adapters: THE home of `scheduleWake(at)` — every writer of due work (reminders, campaigns, the outbox and inline
// retries, notify…) calls it after writing, so `dispatch` runs by `at` (core/dispatch/wake.ts has the rules; see
// core/dispatch/README.md "Idle cost and wake-ups"). The state is one document, `tixing_state/dispatch`; the wake-up
// is `cloudbase.addDelayedFunctionTask` [DELAYED] on `dispatch`.
import type { Database, Doc } from './db';
import { db } from './db';
import { dbErrorKind } from './db-errors';
import { DEFAULT_DISPATCH_CONFIG } from '../core/dispatch/config';
import { scheduleWake as scheduleCore, WAKE_EVENT, type ArmWake, type WakeState, type WakeStore } from '../core/dispatch/wake';
import type { OpenApiClient } from './wechat-sender';
import { initCloud } from './runtime';

export const STATE = 'tixing_state';
export const WAKE_DOC = 'dispatch';
/** The function the delayed task runs. */
export const DISPATCH_FN = 'dispatch';

/** The wake state on a CloudBase database (wx-server-sdk's in functions, node-sdk's in the CLI: same query API). */
export function createWakeStore(database: () => Database = db): WakeStore {
  const doc = () => database().collection(STATE).doc(WAKE_DOC);
  const _ = () => database().command;
  const missingOk = async (op: () => Promise<unknown>): Promise<void> => {
    try {
      await op();
    } catch (err) {
      // No state yet (collection missing): the next dispatch run is a full run and creates it.
      if (dbErrorKind(err) !== 'missing_collection') throw err;
    }
  };
  return {
    async read() {
      try {
        const res = await doc().get();
        const d = res.data;
        if (!d || typeof d.nextDueAt !== 'number') return null;
        return {
          nextDueAt: d.nextDueAt,
          rev: Number(d.rev ?? 0),
          ...(typeof d.chainAt === 'number' ? { chainAt: d.chainAt } : {}),
          ...(typeof d.rampAt === 'number' ? { rampAt: d.rampAt } : {}),
        } satisfies WakeState;
      } catch (err) {
        if (dbErrorKind(err) === 'missing_collection') return null;
        throw err;
      }
    },
    async create(at) {
      const add = () => database().collection(STATE).add({ data: { _id: WAKE_DOC, nextDueAt: at, rev: 0 } });
      try {
        await add();
        return true;
      } catch (err) {
        const kind = dbErrorKind(err);
        if (kind !== 'missing_collection') return false; // [ADD-DOC] it exists: another run created it
        await database().createCollection(STATE).catch(() => undefined);
        try {
          await add();
          return true;
        } catch {
          return false;
        }
      }
    },
    async lower(at, ramp) {
      // [CMD-DOC] `min` and `inc` are atomic update commands: one write, whatever the stored value.
      const c = _();
      await missingOk(() => doc().update({ data: { nextDueAt: c.min(at), rev: c.inc(1), ...(ramp ? { rampAt: c.min(at) } : {}) } }));
    },
    async raise(rev, at, ramp) {
      const c = _();
      const res = await database().collection(STATE).where({ _id: WAKE_DOC, rev }).update({ data: { nextDueAt: at, rev: c.inc(1), rampAt: ramp ? at : c.remove() } });
      return res.stats.updated > 0;
    },
    async chain(at, before) {
      const c = _();
      const free = c.or([{ chainAt: c.lt(before) }, { chainAt: c.exists(false) }]);
      const res = await database().collection(STATE).where(c.and([{ _id: WAKE_DOC }, free]) as unknown as Doc).update({ data: { chainAt: at, rev: c.inc(1) } });
      if (res.stats.updated > 0) return true;
      // Another run armed the follow-up: still bump rev (this run is about to claim).
      await doc().update({ data: { rev: c.inc(1) } });
      return false;
    },
  };
}

/** `cloudbase.addDelayedFunctionTask` on `dispatch` ([DELAYED]); throws what the SDK throws (no cloud-call token…). */
export function createArm(client?: OpenApiClient): ArmWake {
  return async (delaySec) => {
    const cloud = initCloud();
    const env = (cloud.getWXContext() as { ENV?: string }).ENV;
    // [DELAYED] cloud-call keys in camelCase; the SDK sends function_name, delay_time (seconds), data (JSON string).
    await (client ?? cloud).openapi.cloudbase.addDelayedFunctionTask({ env, functionName: DISPATCH_FN, data: JSON.stringify(WAKE_EVENT), delayTime: delaySec });
  };
}

/** `campaign`: the due work is a campaign's start, which arms several runs at once (core/dispatch/wake.ts `rampAt`). */
export type ScheduleWake = (at: number, campaign?: boolean) => Promise<void>;

/**
 * The writers' port: after writing work due at `at`, `await wake(at)`. Lowers the state (one write) and, when `at`
 * falls before the heartbeat's next tick, arms a delayed run. A failed arm is logged, not thrown (the heartbeat
 * arms it); a failed state write is thrown: the caller's work is written but `dispatch` may not know of it before
 * the janitor run, so the caller should report the error (a retry of an idempotent write wakes again).
 * `arm: false` where no cloud call can be made (the operator CLI on node-sdk).
 */
export function createScheduleWake(opts: { database?: () => Database; arm?: ArmWake | false; log?: (line: string) => void } = {}): ScheduleWake {
  const store = createWakeStore(opts.database);
  const arm = opts.arm === false ? undefined : (opts.arm ?? createArm());
  const log = opts.log ?? ((line: string) => console.warn(`wake: ${line}`));
  return (at, campaign) => scheduleCore(store, arm, at, Date.now(), DEFAULT_DISPATCH_CONFIG, log, campaign);
}
