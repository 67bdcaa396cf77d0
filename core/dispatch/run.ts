// Core (dispatch): one run — read the wake state (core/dispatch/wake.ts) and stop there when nothing is due; else
// promote due campaigns, recover expired leases, expand audiences (in the background), claim and send within the
// budget, complete campaigns with nothing left, and raise the wake state to the next due time. Every step is a
// conditional write, so overlapping runs (timeout 60 s, a follow-up armed every 10 s while busy) share the work.
import type { Campaign } from '../campaigns/model';
import { claimBatch, type Batch, type ClaimContext } from './claim';
import { expandCampaign, type ExpansionResult } from './expand';
import { Pipeline, type Feed } from './pipeline';
import type { DispatchDeps } from './ports';
import { OPEN_HOLD_GRACE_MS, recoverExpired, type RecoverySummary } from './recover';
import { armDelaySec, armRuns, armsNow, earliest, followUpAt, mayRamp, runsFor, startRuns } from './wake';
import { ambiguousAlert, housekeepingDue, stuckAlert, type Alert } from './ops';
import { advanceSeries, type SeriesSummary } from './series';
import { SlotCursor } from './slots';
import { quietUntil } from './windows';

export interface RunSummary {
  runId: string;
  promoted: number;
  recovered: RecoverySummary;
  expanded: (ExpansionResult & { campaignId: string })[];
  claimed: number;
  /** Candidates another run claimed first (overlapping runs racing for the same deliveries; slots.ts keeps it low). */
  lostClaims: number;
  sent: number;
  flushes: number;
  /** Running campaigns waiting for the end of their quiet hours. */
  deferred: { campaignId: string; until: number }[];
  completed: string[];
  /** Recurring series: occurrences created, and occurrences skipped because they were promoted too late. */
  series: SeriesSummary;
  /** All sending is paused for the daily quota until this instant (nothing was claimed). */
  quotaPausedUntil?: number;
  /** The wake state after the run: lowered to now (busy), raised to `nextDueAt`, or left (another run moved it). */
  wake: { busy: boolean; nextDueAt?: number; raised: boolean; armedSec?: number };
  ms: number;
}

/** A run that found nothing due in the wake state: one read (and, from the timer, perhaps one wake-up armed). */
export interface IdleSummary {
  runId: string;
  idle: true;
  nextDueAt: number;
  armedSec?: number;
  ms: number;
}

/** `timer`: the heartbeat trigger (it arms the wake-up for a due time before its next tick); `wake`: a delayed task. */
export type RunTrigger = 'timer' | 'wake';

const REFRESH_MS = 1000;
/** Reminders and outbox entries are looked for at least this often, ahead of campaign batches. */
const OTHER_EVERY_MS = 3000;
/** How long a run keeps polling an empty queue while only other runs expand audiences. */
const OTHERS_IDLE_MS = 5000;

export async function runDispatch(deps: DispatchDeps, trigger: RunTrigger = 'timer'): Promise<RunSummary | IdleSummary> {
  const { clock, config } = deps;
  const start = clock.now();
  const state = await deps.wake.read();
  if (state && state.nextDueAt > start) {
    // Idle: one read. The heartbeat arms the wake-up of work due before its next tick (a writer may have had no
    // cloud-call token, or its delayed task was lost); a delayed run never arms one (twice-fired tasks would multiply).
    const armedSec = trigger === 'timer' && armsNow(state.nextDueAt, start, config) ? await arm(deps, state.nextDueAt, start, runsFor(state, config)) : undefined;
    return { runId: deps.runId, idle: true, nextDueAt: state.nextDueAt, ...(armedSec ? { armedSec } : {}), ms: clock.now() - start };
  }
  // The rev this run's raise is conditional on; a missing state is created first, so later wakes bump its rev.
  const rev = state ? state.rev : (await deps.wake.create(start)) ? 0 : undefined;
  return fullRun(deps, start, rev, mayRamp(state, start, config.chainMs));
}

/** Arms `runs` delayed runs for `at`; resolves the delay armed, or undefined when the call failed (logged). */
async function arm(deps: DispatchDeps, at: number, now: number, runs = 1): Promise<number | undefined> {
  if (!deps.arm) return undefined;
  const sec = armDelaySec(at, now);
  try {
    await armRuns(deps.arm, sec, runs);
    return sec;
  } catch (err) {
    deps.log(`wake-up in ${sec} s not armed: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

async function fullRun(deps: DispatchDeps, start: number, rev: number | undefined, fresh: boolean): Promise<RunSummary> {
  const { clock, config, campaigns } = deps;
  const claimUntil = start + config.claimBudgetMs;
  // Before this run's first claim: bump the state's rev (a concurrent run's raise, computed without this run's
  // claims, then fails) and arm the follow-up run unless one is already armed and not yet due (followUpAt). A run that
  // starts a busy period with a full batch due also arms `rampRuns` runs at once (the soonest a delayed task
  // can come), so a big campaign has several runs in flight within seconds instead of one more every chain period.
  let busy: Promise<void> | undefined;
  // The delayed tasks are cloud calls (they take WeChat's latency): claims wait for the chain's write above, not for
  // them; the run waits for them before it ends (`arm` logs a failure, never throws).
  const arming: Promise<unknown>[] = [];
  const followUp = async (ramp: number): Promise<void> => {
    const now = clock.now();
    const next = followUpAt(now, config.chainMs);
    if (!(await deps.wake.chain(next.at, next.before))) return;
    arming.push(arm(deps, next.at, now), ...Array.from({ length: ramp }, () => arm(deps, now, now)));
  };
  const beforeClaim = (found: number): Promise<void> => (busy ??= followUp(fresh && found >= config.claimBatch ? config.rampRuns : 0));
  const promoted = await campaigns.promoteDue(start);
  const recovered = await recoverExpired(deps);
  // The daily-quota pause and alert retries: one state document (core/dispatch/ops.ts).
  const ops = deps.ops ? await deps.ops.read() : {};
  const pausedUntil = ops.quotaPausedUntil !== undefined && ops.quotaPausedUntil > start ? ops.quotaPausedUntil : undefined;
  if (deps.alerts && ops.alertRetryAt !== undefined && ops.alertRetryAt <= start) await deps.alerts.retry(start);
  // Janitor housekeeping (consent retention), in the run the wake state forces every janitorMs: core/dispatch/ops.ts.
  if (deps.ops?.housekeep && housekeepingDue(ops, start, config.janitorMs)) {
    await deps.ops.housekeep(start).catch((err: unknown) => deps.log(`housekeeping failed (next run retries): ${err instanceof Error ? err.message : String(err)}`));
  }
  const templates = new Map((await deps.templates.list()).map((t) => [t._id, t]));
  const view = new CampaignView(deps);
  await view.refresh(true);
  const series = await advanceSeries(deps, view.all());
  if (series.missed.length) await view.refresh(true);

  const expanded: RunSummary['expanded'] = [];
  let expanding = true;
  const expansion = (async () => {
    try {
      for (const c of view.all()) {
        if (c.cursor?.done || clock.now() >= claimUntil) continue;
        expanded.push({ campaignId: c._id, ...(await expandCampaign(deps, c, start, () => clock.now() < claimUntil)) });
      }
    } finally {
      expanding = false;
    }
  })();

  let seq = 0;
  let lastOther = -Infinity;
  // Reminders and outbox entries left behind because their users were busy in this run: look again at once, so a
  // user with many due goes through them one after another within the run (not one per run).
  let otherDue = true;
  let lastFound = start;
  let lostClaims = 0;
  const slots = new SlotCursor(deps.random);
  const feed: Feed = {
    async next(busy) {
      await view.refresh(false);
      const ctx: ClaimContext = { deps, templates, campaigns: view.claimable(), busy, leaseUntil: start + config.leaseMs, nextToken: () => `${deps.runId}.${++seq}`, beforeClaim };
      let seen = 0;
      let more = false;
      const found = (b: Batch): Batch => {
        if (b.found) lastFound = clock.now();
        lostClaims += b.lost;
        return b;
      };
      if (otherDue || clock.now() - lastOther >= OTHER_EVERY_MS) {
        const b = await claimBatch(ctx, null, config.claimBatch);
        lastOther = clock.now();
        otherDue = b.found >= config.claimBatch || b.more;
        if (b.ready.length + b.done.length > 0) return found(b);
        seen = b.found;
        more = b.more;
      }
      const ids = [...ctx.campaigns.keys()];
      const c: Batch = ids.length ? await claimBatch(ctx, ids, config.claimBatch, slots) : { found: 0, more: false, lost: 0, ready: [], done: [] };
      return found({ ...c, found: c.found + seen, more: c.more || more });
    },
    // This run is expanding: its deliveries are still appearing, keep polling while the budget lasts. Another run's
    // expansion (or a dead run's, until its lease ends) is worth waiting for only while work keeps turning up.
    moreMayCome: () => expanding || (view.all().some((c) => !c.cursor?.done) && clock.now() - lastFound < OTHERS_IDLE_MS),
    blocked: (id) => !view.claimable().has(id),
  };
  // Paused for the quota: claim nothing (deliveries wait, pending); expansion goes on.
  const pipeline = new Pipeline(deps, feed, pausedUntil ? start : claimUntil, pausedUntil ? start : start + config.sendBudgetMs);
  let stats;
  try {
    stats = await pipeline.run();
  } finally {
    await expansion;
    await Promise.all(arming);
  }

  const completed: string[] = [];
  /** Running campaigns this run could not conclude (expanding, open deliveries, completion not reached). */
  let unfinished = 0;
  const finishUntil = start + config.finishBudgetMs;
  if (clock.now() < finishUntil) await view.refresh(true);
  const alerts: Alert[] = [];
  for (const c of view.all()) {
    if (clock.now() >= finishUntil) {
      unfinished += 1;
      continue;
    }
    const a = deps.alerts && ambiguousAlert(c, deps.alerts.ambiguousRate, deps.alerts.ambiguousMinSends);
    if (a) alerts.push(a);
    if (!c.cursor?.done) {
      unfinished += 1;
      continue;
    }
    if (await campaigns.hasOpen(c._id)) {
      // Nothing moving: no counter changed for a while, yet deliveries are overdue (not merely deferred).
      const stuckMs = deps.alerts?.stuckMs ?? Infinity;
      if (!pausedUntil && clock.now() - c.updatedAt > stuckMs && (await campaigns.hasOverdue(c._id, clock.now() - stuckMs))) {
        alerts.push(stuckAlert(c._id, Math.round(stuckMs / 60_000)));
      }
      continue; // its open deliveries are in the queue's due times
    }
    // Folding the exact counters reads every delivery of the campaign (one aggregation over a million documents at
    // the end of a big one): only the run holding the campaign's lease does it; the others leave it to that run.
    if (!(await campaigns.acquireLease(c._id, deps.runId, clock.now(), start + config.leaseMs))) {
      unfinished += 1;
      continue;
    }
    try {
      if (await campaigns.complete(c._id, await campaigns.exactCounters(c._id), clock.now())) completed.push(c._id);
      else unfinished += 1;
    } finally {
      await campaigns.releaseLease(c._id, deps.runId);
    }
  }
  if (alerts.length && deps.alerts) await deps.alerts.raise(alerts, clock.now());
  const now = clock.now();
  const deferred = view.all().flatMap((c) => {
    const until = quietUntil(now, c.zone, c.quietHours);
    return until > now ? [{ campaignId: c._id, until }] : [];
  });
  // Paused for the quota: nothing is due before the pause ends (except an alert retry), so the state is raised to it.
  const wake = await settleWake(deps, rev, !pausedUntil && (busy !== undefined || stats.claimed > 0 || unfinished > 0), view, deferred, { pausedUntil, alertRetryAt: ops.alertRetryAt });
  // Work still due (this run's retries, deliveries it could not claim, a campaign to finish): a follow-up run is
  // armed unless one is already armed and not yet due — else nothing would run before the heartbeat.
  if (wake.busy || (wake.nextDueAt !== undefined && wake.nextDueAt <= clock.now())) await followUp(0);
  await Promise.all(arming);
  return { runId: deps.runId, promoted, recovered, expanded, claimed: stats.claimed, lostClaims, sent: stats.sent, flushes: stats.flushes, deferred, completed, series, ...(pausedUntil ? { quotaPausedUntil: pausedUntil } : {}), wake, ms: clock.now() - start };
}

/**
 * The wake state after a full run. Busy (it claimed, or a campaign is still expanding or completing): lowered to
 * now, so the next run looks again (and sees this run's retries). Else the next due time — scheduled campaigns,
 * pending deliveries of reminders/outbox and of running campaigns outside quiet hours, quiet hours' ends, leases
 * and open holds to recover, the janitor cap — raised conditionally on the rev read at the start.
 */
async function settleWake(
  deps: DispatchDeps,
  rev: number | undefined,
  busy: boolean,
  view: CampaignView,
  deferred: { campaignId: string; until: number }[],
  ops: { pausedUntil?: number; alertRetryAt?: number },
): Promise<RunSummary['wake']> {
  const { clock, config } = deps;
  if (busy) {
    await deps.wake.lower(clock.now());
    return { busy: true, raised: false };
  }
  // Another run created the state at the same moment: this one cannot raise; leave it due (a follow-up looks again).
  if (rev === undefined) return { busy: false, nextDueAt: clock.now(), raised: false };
  const claimable = [...view.claimable().keys()];
  const [scheduled, other, campaign, lease, hold] = await Promise.all([
    deps.campaigns.nextScheduled(),
    deps.deliveries.nextPending(null),
    claimable.length ? deps.deliveries.nextPending(claimable) : Promise.resolve(undefined),
    deps.deliveries.nextLeaseEnd(),
    deps.deliveries.oldestOpenHold(),
  ]);
  const now = clock.now();
  // While sending is paused for the daily quota, pending deliveries are due when the pause ends.
  const afterPause = (t: number | undefined): number | undefined => (t === undefined || ops.pausedUntil === undefined ? t : Math.max(t, ops.pausedUntil));
  const next = earliest(now, config.janitorMs, [
    scheduled,
    afterPause(other),
    afterPause(campaign),
    lease,
    hold === undefined ? undefined : hold + OPEN_HOLD_GRACE_MS + 1,
    ops.alertRetryAt,
    ...deferred.map((d) => afterPause(d.until)),
  ]);
  if (next <= now) {
    await deps.wake.lower(now);
    return { busy: false, nextDueAt: next, raised: false };
  }
  // The next due time is a scheduled campaign's start: its wake-up arms several runs (core/dispatch/wake.ts rampAt).
  const ramp = scheduled !== undefined && next === scheduled;
  const raised = await deps.wake.raise(rev, next, ramp);
  const armedSec = raised && armsNow(next, now, config) ? await arm(deps, next, now, ramp ? startRuns(config) : 1) : undefined;
  return { busy: false, nextDueAt: next, raised, ...(armedSec ? { armedSec } : {}) };
}

/** Running campaigns, re-read every couple of seconds so a pause or cancel stops claims within that time. */
class CampaignView {
  private running = new Map<string, Campaign>();
  private loadedAt = -Infinity;
  constructor(private readonly deps: DispatchDeps) {}

  async refresh(force: boolean): Promise<void> {
    const now = this.deps.clock.now();
    if (!force && now - this.loadedAt < REFRESH_MS) return;
    this.running = new Map((await this.deps.campaigns.running()).map((c) => [c._id, c]));
    this.loadedAt = now;
  }

  all(): Campaign[] {
    return [...this.running.values()];
  }

  /**
   * Running campaigns. Quiet hours are read per delivery in its recipient's zone when a batch is prepared
   * (core/dispatch/rules.ts): a delivery inside the window goes back to pending until the window ends.
   */
  claimable(): Map<string, Campaign> {
    return this.running;
  }
}
