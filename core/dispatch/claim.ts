// Core (dispatch): claim a batch and get it ready to send. Claim = one read of due candidates + one conditional
// multi-update (`pending` → `sending`, stamped with this run and a claim token; a partial claim is read back by
// token). Ready = template known, data valid, within the frequency cap, grant reserved in bulk (one conditional
// multi-update that records the claim token as a hold on each grant, core/grants/holds.ts).
import type { Campaign } from '../campaigns/model';
import type { Delivery } from '../delivery';
import { grantOf, holdsToken, type GrantState } from '../grants/holds';
import { early, type Result } from '../sending/settle';
import type { TemplateDoc } from '../template/registry';
import { validateMessage } from '../template/validate';
import type { DispatchDeps } from './ports';
import { capVerdict, capWindowMs } from './windows';

export interface Item {
  d: Delivery;
  /** The claim reserved a one-time send (its token is a hold on the grant): settled by refund or consume. */
  held: boolean;
}

export interface Batch {
  /** Candidates seen (0 = nothing due). */
  found: number;
  /** Due candidates were left behind because their users already have a send in flight in this run. */
  more: boolean;
  ready: Item[];
  /** Turns that ended without WeChat (skipped, failed, deferred). */
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
  /** Called before a claim is written, with how many were due (the run tells the wake state it is busy, wake.ts). */
  beforeClaim?: (found: number) => Promise<void>;
}

/** `campaignIds` null = reminders and the outbox (everything that is not a campaign). */
export async function claimBatch(ctx: ClaimContext, campaignIds: string[] | null, limit: number): Promise<Batch> {
  const { deps } = ctx;
  const now = deps.clock.now();
  const found = await deps.deliveries.candidates(now, campaignIds, limit);
  const seen = new Set(ctx.busy);
  const pick: Delivery[] = [];
  for (const d of found) {
    if (seen.has(d.openid)) continue;
    seen.add(d.openid);
    pick.push(d);
  }
  const more = pick.length < found.length;
  if (!pick.length) return { found: found.length, more, ready: [], done: [] };
  await ctx.beforeClaim?.(found.length);
  const token = ctx.nextToken();
  const claim = { runId: deps.runId, token, now, leaseUntil: ctx.leaseUntil };
  const n = await deps.deliveries.claim(pick.map((d) => d._id), claim);
  const stamp = (d: Delivery): Delivery => ({ ...d, status: 'sending', leaseOwner: deps.runId, leaseUntil: ctx.leaseUntil, claimToken: token, claimedAt: now });
  const claimed = n === pick.length ? pick.map(stamp) : n === 0 ? [] : await deps.deliveries.claimed(token);
  return { found: found.length, more, ...(await prepare(ctx, claimed, token)) };
}

async function prepare(ctx: ClaimContext, claimed: Delivery[], token: string): Promise<Pick<Batch, 'ready' | 'done'>> {
  const { deps } = ctx;
  const done: Result[] = [];
  let live: Delivery[] = [];
  for (const d of claimed) {
    const t = ctx.templates.get(d.templateId);
    if (!t) done.push(early(d, 'failed', 'unknown_template'));
    else if (!validateMessage(t, d.data).valid) done.push(early(d, 'failed', 'validation'));
    else live.push(d);
  }
  live = await applyCaps(ctx, live, done);
  const oneTime = live.filter((d) => ctx.templates.get(d.templateId)?.kind !== 'long-term');
  const reserved = oneTime.length ? await deps.grants.reserve(oneTime.map(grantOf), token) : 0;
  if (reserved === oneTime.length && oneTime.length === live.length) return { ready: live.map((d) => ({ d, held: true })), done };
  // Partial reservation or long-term templates: one read tells which grants this token holds.
  const grants = new Map((await deps.grants.read(live.map(grantOf))).map((g) => [g._id, g]));
  const ready: Item[] = [];
  for (const d of live) {
    const g: GrantState | undefined = grants.get(grantOf(d));
    if (holdsToken(g, token)) ready.push({ d, held: true });
    else if (g?.kind === 'long-term' && g.active) ready.push({ d, held: false });
    else done.push(early(d, 'skipped', 'no_grant'));
  }
  return { ready, done };
}

/** Frequency caps of the batch's campaigns: one read of the users' campaign load (core/dispatch/windows.ts). */
async function applyCaps(ctx: ClaimContext, live: Delivery[], done: Result[]): Promise<Delivery[]> {
  const capOf = (d: Delivery) => (d.sourceType === 'campaign' ? ctx.campaigns.get(d.sourceId)?.frequencyCap : undefined);
  const capped = live.filter((d) => capOf(d));
  if (!capped.length) return live;
  const { deps } = ctx;
  const now = deps.clock.now();
  const load = await deps.deliveries.campaignLoad(capped.map((d) => d.openid), now - capWindowMs(capped.map((d) => capOf(d)!)));
  return live.filter((d) => {
    const cap = capOf(d);
    if (!cap) return true;
    const verdict = capVerdict(d.openid, cap, load.filter((l) => l._id !== d._id), now);
    if (verdict === 'skip') done.push(early(d, 'skipped', 'frequency_cap'));
    else if (verdict === 'defer') {
      const retryAt = now + deps.config.requeueDelayMs + Math.round(deps.random() * deps.config.requeueDelayMs);
      done.push(early(d, 'pending', 'frequency_cap_wait', 'none', retryAt));
    }
    return verdict === 'send';
  });
}
