// Core (dispatch): the dispatcher's tunables — timer period, time budget, leases, batch sizes, concurrency, retries.
// Why these numbers: see docs in core/dispatch/README.md (period P = 10 s, timeout T = 60 s → ~T/P runs overlap).
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../sending/backoff';

export interface DispatchConfig {
  /** The function's timeout (config/functions.json `dispatch.timeoutSec`): the platform kills the run then. */
  timeoutMs: number;
  /** Stop claiming new work this long after the run started. */
  claimBudgetMs: number;
  /** Start no new send after this (what is prepared but unsent goes back to the queue). */
  sendBudgetMs: number;
  /** Completing campaigns (a count and an aggregation each) only before this; the next run does it otherwise. */
  finishBudgetMs: number;
  /** Leases end this long after the run started: longer than the timeout, so a live run never loses a lease. */
  leaseMs: number;
  /** Deliveries claimed per claim (one read + one conditional multi-update). */
  claimBatch: number;
  /**
   * Sends in flight per run (each to a different openid). With 4–5 runs overlapping (`chainMs`, `rampRuns`) the
   * dispatcher keeps 4–5 × this in flight; the competent parallel loop keeps 100, so wherever the CPU is not the
   * limit the dispatcher's speed over it is about that ÷ 100 (core/dispatch/README.md, "Round trips and figures":
   * 40 capped it near 2×). A run killed mid-way leaves at most this many sends ambiguous.
   */
  concurrency: number;
  /** Deliveries marked "send started" per write, just before they are sent. */
  markWave: number;
  /** Results written per flush (grouped by outcome), or every `flushMs`. */
  flushSize: number;
  flushMs: number;
  /** Marks cleared, campaign counters, the msgid log and receipts joined: batched over flushes, this often. */
  slowFlushMs: number;
  /** Audience expansion page (grants read in openid order). */
  pageSize: number;
  /** Sleep before looking again when nothing is due but more may come (an audience is still being expanded). */
  idleMs: number;
  /** Expired leases recovered per sweep. */
  recoverBatch: number;
  /** How soon a 43108 (concurrent send to the same user), a released or a cap-deferred delivery is tried again. */
  requeueDelayMs: number;
  retry: RetryPolicy;
  /** The timer trigger's period (cloudfunctions/dispatch/config.json): the safety net that arms wake-ups. */
  heartbeatMs: number;
  /** A full run (recovery, template refresh, a fresh look at the queue) at least this often, busy or not. */
  janitorMs: number;
  /** While busy, a follow-up run is armed this often (runs overlap as with a fast timer). */
  chainMs: number;
  /** Extra runs armed at once by the run that starts a busy period with a full batch due. */
  rampRuns: number;
}

/** Defaults for the 60 s timeout. Retries follow the one policy of every send (core/sending/backoff.ts). */
export const DEFAULT_DISPATCH_CONFIG: DispatchConfig = {
  timeoutMs: 60_000,
  claimBudgetMs: 40_000,
  sendBudgetMs: 48_000,
  finishBudgetMs: 54_000,
  leaseMs: 70_000,
  claimBatch: 100,
  concurrency: 80,
  markWave: 20,
  flushSize: 100,
  flushMs: 1000,
  slowFlushMs: 2000,
  pageSize: 1000,
  idleMs: 500,
  recoverBatch: 200,
  requeueDelayMs: 3_000,
  retry: DEFAULT_RETRY_POLICY,
  heartbeatMs: 600_000,
  janitorMs: 6 * 3600_000,
  chainMs: 10_000,
  rampRuns: 3,
};
