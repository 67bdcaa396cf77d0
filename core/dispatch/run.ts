// Core (dispatch): one timer run — promote due campaigns, recover expired leases, expand audiences (in the
// background), claim and send within the budget, then complete campaigns with nothing left. Every step is a
// conditional write, so overlapping runs (period 10 s, timeout 60 s) share the work instead of repeating it.
import type { Campaign } from '../campaigns/model';
import { claimBatch, type Batch, type ClaimContext } from './claim';
import { expandCampaign, type ExpansionResult } from './expand';
import { Pipeline, type Feed } from './pipeline';
import type { DispatchDeps } from './ports';
import { recoverExpired, type RecoverySummary } from './recover';
import { ambiguousAlert, stuckAlert, type Alert } from './ops';
import { advanceSeries, type SeriesSummary } from './series';
import { quietUntil } from './windows';

export interface RunSummary {
  runId: string;
  promoted: number;
  recovered: RecoverySummary;
  expanded: (ExpansionResult & { campaignId: string })[];
  claimed: number;
  sent: number;
  flushes: number;
  /** Running campaigns waiting for the end of their quiet hours. */
  deferred: { campaignId: string; until: number }[];
  completed: string[];
  /** Recurring series: occurrences created, and occurrences skipped because they were promoted too late. */
  series: SeriesSummary;
  /** All sending is paused for the daily quota until this instant (nothing was claimed). */
  quotaPausedUntil?: number;
  ms: number;
}

const REFRESH_MS = 1000;
/** Reminders and outbox entries are looked for at least this often, ahead of campaign batches. */
const OTHER_EVERY_MS = 3000;
/** How long a run keeps polling an empty queue while only other runs expand audiences. */
const OTHERS_IDLE_MS = 5000;

export async function runDispatch(deps: DispatchDeps): Promise<RunSummary> {
  const { clock, config, campaigns } = deps;
  const start = clock.now();
  const claimUntil = start + config.claimBudgetMs;
  const promoted = await campaigns.promoteDue(start);
  const recovered = await recoverExpired(deps);
  // The daily-quota pause and alert retries: one state document (core/dispatch/ops.ts).
  const ops = deps.ops ? await deps.ops.read() : {};
  const pausedUntil = ops.quotaPausedUntil !== undefined && ops.quotaPausedUntil > start ? ops.quotaPausedUntil : undefined;
  if (deps.alerts && ops.alertRetryAt !== undefined && ops.alertRetryAt <= start) await deps.alerts.retry(start);
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
  const feed: Feed = {
    async next(busy) {
      await view.refresh(false);
      const ctx: ClaimContext = { deps, templates, campaigns: view.claimable(), busy, leaseUntil: start + config.leaseMs, nextToken: () => `${deps.runId}.${++seq}` };
      let seen = 0;
      let more = false;
      const found = (b: Batch): Batch => {
        if (b.found) lastFound = clock.now();
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
      const c: Batch = ids.length ? await claimBatch(ctx, ids, config.claimBatch) : { found: 0, more: false, ready: [], done: [] };
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
  }

  const completed: string[] = [];
  const finishUntil = start + config.finishBudgetMs;
  if (clock.now() < finishUntil) await view.refresh(true);
  const alerts: Alert[] = [];
  for (const c of view.all()) {
    if (clock.now() >= finishUntil) break;
    const a = deps.alerts && ambiguousAlert(c, deps.alerts.ambiguousRate, deps.alerts.ambiguousMinSends);
    if (a) alerts.push(a);
    if (!c.cursor?.done) continue;
    if ((await campaigns.openCount(c._id)) > 0) {
      // Nothing moving: no counter changed for a while, yet deliveries are overdue (not merely deferred).
      const stuckMs = deps.alerts?.stuckMs ?? Infinity;
      if (!pausedUntil && clock.now() - c.updatedAt > stuckMs && (await campaigns.overdueCount(c._id, clock.now() - stuckMs)) > 0) {
        alerts.push(stuckAlert(c._id, Math.round(stuckMs / 60_000)));
      }
      continue;
    }
    if (await campaigns.complete(c._id, await campaigns.exactCounters(c._id), clock.now())) completed.push(c._id);
  }
  if (alerts.length && deps.alerts) await deps.alerts.raise(alerts, clock.now());
  const now = clock.now();
  const deferred = view.all().flatMap((c) => {
    const until = quietUntil(now, c.zone, c.quietHours);
    return until > now ? [{ campaignId: c._id, until }] : [];
  });
  return { runId: deps.runId, promoted, recovered, expanded, claimed: stats.claimed, sent: stats.sent, flushes: stats.flushes, deferred, completed, series, ...(pausedUntil ? { quotaPausedUntil: pausedUntil } : {}), ms: clock.now() - start };
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
