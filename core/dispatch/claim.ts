// Core (dispatch): claim a batch and get it ready to send. Claim = one read of due candidates + one conditional
// multi-update (`pending` → `sending`, stamped with this run and a claim token; a partial claim is read back by
// token). Ready = template known, data valid, under the frequency cap, grant reserved in bulk (one conditional
// multi-update that pushes the claim token onto each grant's `holds`, so a refund can never apply twice and a dead
// run's reservations can be told apart).
import type { Campaign } from '../campaigns/model';
import type { TemplateDoc } from '../template/registry';
import { validateMessage } from '../template/validate';
import type { DispatchDeps, GrantState, QueueDelivery } from './ports';
import { early, grantIdOf, type Result } from './results';
import { capWindowMs, overCap } from './windows';

export interface Item {
  d: QueueDelivery;
  /** The claim reserved one-time grant (its token is in the grant's holds): refund it if not consumed. */
  held: boolean;
}

export interface Batch {
  /** Candidates seen (0 = nothing due). */
  found: number;
  ready: Item[];
  /** Turns that ended without WeChat (skipped, failed, released). */
  done: Result[];
}

export interface ClaimContext {
  deps: DispatchDeps;
  templates: ReadonlyMap<string, TemplateDoc>;
  /** Running campaigns outside quiet hours, by id. */
  campaigns: ReadonlyMap<string, Campaign>;
  /** Openids this run is already sending to (one message at a time per user, [SEND-NEW-MIRROR] 43108). */
  busy: ReadonlySet<string>;
  leaseUntil: number;
  nextToken(): string;
}

/** `campaignIds` null = reminders and the outbox (everything that is not a campaign). */
export async function claimBatch(ctx: ClaimContext, campaignIds: string[] | null, limit: number): Promise<Batch> {
  const { deps } = ctx;
  const now = deps.clock.now();
  const found = await deps.deliveries.candidates(now, campaignIds, limit);
  const seen = new Set(ctx.busy);
  const pick: QueueDelivery[] = [];
  for (const d of found) {
    if (seen.has(d.openid)) continue;
    seen.add(d.openid);
    pick.push(d);
  }
  if (!pick.length) return { found: found.length, ready: [], done: [] };
  const token = ctx.nextToken();
  const claim = { runId: deps.runId, token, now, leaseUntil: ctx.leaseUntil };
  const n = await deps.deliveries.claim(pick.map((d) => d._id), claim);
  const stamp = (d: QueueDelivery): QueueDelivery => ({ ...d, status: 'sending', leaseOwner: deps.runId, leaseUntil: ctx.leaseUntil, claimToken: token, claimedAt: now });
  const claimed = n === pick.length ? pick.map(stamp) : n === 0 ? [] : await deps.deliveries.claimed(token);
  return { found: found.length, ...(await prepare(ctx, claimed, token)) };
}

async function prepare(ctx: ClaimContext, claimed: QueueDelivery[], token: string): Promise<Pick<Batch, 'ready' | 'done'>> {
  const { deps } = ctx;
  const done: Result[] = [];
  let live: QueueDelivery[] = [];
  for (const d of claimed) {
    const t = ctx.templates.get(d.templateId);
    if (!t) done.push(early(d, 'failed', 'unknown_template'));
    else if (!validateMessage(t, d.data).valid) done.push(early(d, 'failed', 'validation'));
    else live.push(d);
  }
  live = await applyCaps(ctx, live, done);
  const oneTime = live.filter((d) => !d.probe && ctx.templates.get(d.templateId)?.kind !== 'long-term');
  const reserved = oneTime.length ? await deps.grants.reserve(oneTime.map((d) => grantIdOf(d.openid, d.templateId)), token, deps.clock.now()) : 0;
  if (reserved === oneTime.length && oneTime.length === live.length) return { ready: live.map((d) => ({ d, held: true })), done };
  // Partial reservation, long-term templates or probes: one read tells which grants this token holds.
  const grants = new Map((await deps.grants.read(live.map((d) => grantIdOf(d.openid, d.templateId)))).map((g) => [g._id, g]));
  const ready: Item[] = [];
  for (const d of live) {
    const g: GrantState | undefined = grants.get(grantIdOf(d.openid, d.templateId));
    if (d.probe) {
      if (g?.kind === 'one-time' && g.remaining === 0) ready.push({ d, held: false });
      else done.push(early(d, 'unknown', 'ambiguous'));
    } else if (g?.kind === 'one-time' && (g.holds ?? []).includes(token)) ready.push({ d, held: true });
    else if (g?.kind === 'long-term' && g.active) ready.push({ d, held: false });
    else done.push(early(d, 'skipped', 'no_grant'));
  }
  return { ready, done };
}

/** Frequency caps of the batch's campaigns: one read of recent campaign sends to these users. */
async function applyCaps(ctx: ClaimContext, live: QueueDelivery[], done: Result[]): Promise<QueueDelivery[]> {
  const capOf = (d: QueueDelivery) => (d.sourceType === 'campaign' ? ctx.campaigns.get(d.sourceId)?.frequencyCap : undefined);
  const capped = live.filter((d) => capOf(d));
  if (!capped.length) return live;
  const now = ctx.deps.clock.now();
  const since = now - capWindowMs(capped.map((d) => capOf(d)!));
  const ids = new Set(live.map((d) => d._id));
  const recent = (await ctx.deps.deliveries.recentCampaignSends(capped.map((d) => d.openid), since)).filter((r) => !ids.has(r._id));
  return live.filter((d) => {
    const cap = capOf(d);
    if (!cap || !overCap(d.openid, cap, recent, now)) return true;
    done.push(early(d, 'skipped', 'frequency_cap'));
    return false;
  });
}
