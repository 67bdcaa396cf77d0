// Core (dispatch): claim a batch and get it ready to send. Claim = one read of due candidates + one conditional
// multi-update (`pending` → `sending`, stamped with this run and a claim token; a partial claim is read back by
// token). Ready = template known, data valid, within the frequency cap, grant reserved in bulk (one conditional
// multi-update that records the claim token as a hold on each grant, core/grants/holds.ts).
import type { Campaign } from '../campaigns/model';
import type { Delivery } from '../delivery';
import { grantOf, holdsToken, type GrantState } from '../grants/holds';
import { MAIN_SWITCH_OFF } from '../sending/send-now';
import { early, type Result } from '../sending/settle';
import type { TemplateDoc } from '../template/registry';
import { validateMessage } from '../template/validate';
import type { DispatchDeps } from './ports';
import { budgetDay, deferOrExpire, quietVerdict, appRulesApply, type Verdict } from './rules';
import type { SlotCursor } from './slots';
import { capFreeAt, capVerdict, capWindowMs } from './windows';

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
  /** Candidates this run picked but another run claimed first (a race over the same documents). */
  lost: number;
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

/**
 * `campaignIds` null = reminders and the outbox (everything that is not a campaign). With `slots` (campaigns), the
 * candidates come from the run's current queue slot; the cursor moves on when the slot runs short, and an empty slot
 * read is followed by an unfiltered look, which finds the tail of the campaign and deliveries without a slot
 * (core/dispatch/slots.ts).
 */
export async function claimBatch(ctx: ClaimContext, campaignIds: string[] | null, limit: number, slots?: SlotCursor): Promise<Batch> {
  const { deps } = ctx;
  const now = deps.clock.now();
  const bySlot = slots !== undefined && campaignIds !== null;
  let found = await deps.deliveries.candidates(now, campaignIds, limit, bySlot ? slots.current : undefined);
  const short = bySlot && found.length < limit;
  // The run's slot is empty: the tail of the campaign (or deliveries without a slot). Every run that gets here reads
  // the same head of the queue, so each takes a random quarter of it (measured: 4 runs on 2,000 recipients lost 100 of
  // 507 candidates here when each took the whole head).
  let seenSlots: number[] | undefined;
  if (bySlot && !found.length) {
    const head = await deps.deliveries.candidates(now, campaignIds, limit);
    seenSlots = head.flatMap((d) => (d.slot === undefined ? [] : [d.slot]));
    found = sample(head, Math.ceil(limit / 4), deps.random);
  }
  /** Where the run's cursor goes next (slots.ts): to a slot with work after an empty one, else by what was lost. */
  const moveOn = (lost: number): void => {
    if (!bySlot) return;
    if (seenSlots) slots.follow(seenSlots);
    else slots.after(short, lost);
  };
  const seen = new Set(ctx.busy);
  const pick: Delivery[] = [];
  for (const d of found) {
    if (seen.has(d.openid)) continue;
    seen.add(d.openid);
    pick.push(d);
  }
  const more = pick.length < found.length;
  if (!pick.length) {
    moveOn(0);
    return { found: found.length, more, lost: 0, ready: [], done: [] };
  }
  await ctx.beforeClaim?.(found.length);
  const token = ctx.nextToken();
  const claim = { runId: deps.runId, token, now, leaseUntil: ctx.leaseUntil };
  const n = await deps.deliveries.claim(pick.map((d) => d._id), claim);
  moveOn(pick.length - n);
  const stamp = (d: Delivery): Delivery => ({ ...d, status: 'sending', leaseOwner: deps.runId, leaseUntil: ctx.leaseUntil, claimToken: token, claimedAt: now });
  const claimed = n === pick.length ? pick.map(stamp) : n === 0 ? [] : await deps.deliveries.claimed(token);
  return { found: found.length, more, lost: pick.length - n, ...(await prepare(ctx, claimed, token)) };
}

/** `n` of `list` chosen at random (partial Fisher-Yates on a copy); the whole list when it is no longer. */
function sample<T>(list: readonly T[], n: number, random: () => number): T[] {
  if (list.length <= n) return [...list];
  const a = [...list];
  for (let i = 0; i < n; i++) {
    const j = i + Math.min(a.length - i - 1, Math.floor(random() * (a.length - i)));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a.slice(0, n);
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
  live = await skipSwitchedOff(ctx, live, done);
  live = applyQuiet(ctx, live, done);
  live = await applyCaps(ctx, live, done);
  live = await applyBudgets(ctx, live, done);
  const oneTime = live.filter((d) => ctx.templates.get(d.templateId)?.kind !== 'long-term');
  // A delivery serving a purpose takes the unit its user's tap held for it (one write each); the others — and a
  // purpose whose hold is gone — reserve from the free `remaining` in one multi-update.
  const used = await Promise.all(oneTime.map((d) => (d.purpose ? deps.grants.usePurpose(grantOf(d), d.purpose, token) : false)));
  const free = oneTime.filter((_d, i) => !used[i]);
  const reserved = (free.length ? await deps.grants.reserve(free.map(grantOf), token) : 0) + used.filter(Boolean).length;
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

/**
 * [SUBSETTING] users whose reported main switch is off are skipped (`main_switch_off`) before any grant is reserved:
 * one read for the batch. A later campaign targets them again once the mini program reports the switch on.
 */
async function skipSwitchedOff(ctx: ClaimContext, live: Delivery[], done: Result[]): Promise<Delivery[]> {
  const switches = ctx.deps.switches;
  if (!switches || !live.length) return live;
  const off = await switches.off([...new Set(live.map((d) => d.openid))]);
  if (!off.size) return live;
  return live.filter((d) => {
    if (off.has(d.openid)) done.push(early(d, 'skipped', MAIN_SWITCH_OFF));
    return !off.has(d.openid);
  });
}

/** A deferral (back to pending until the next allowed time) or an expiry (skipped: deferred too long). */
function settleVerdict(d: Delivery, v: Exclude<Verdict, { kind: 'go' }>, done: Result[]): void {
  if (v.kind === 'defer') done.push(early(d, 'pending', v.reason, 'none', v.until));
  else done.push({ ...early(d, 'skipped', 'expired'), detail: `deferred by ${v.reason} past its expiry (rules.deferExpiryHours)` });
}

/** Quiet hours (the campaign's and the app's) in each recipient's zone: defer to the window's end. */
function applyQuiet(ctx: ClaimContext, live: Delivery[], done: Result[]): Delivery[] {
  const now = ctx.deps.clock.now();
  return live.filter((d) => {
    const c = d.sourceType === 'campaign' ? ctx.campaigns.get(d.sourceId) : undefined;
    const v = quietVerdict(d, c, ctx.deps.rules, now);
    if (v.kind !== 'go') settleVerdict(d, v, done);
    return v.kind === 'go';
  });
}

/**
 * Frequency caps — each campaign's (full window: skipped) and the app-wide one (full window: deferred until it has
 * room, expiring like every deferral): one read of the users' campaign load (core/dispatch/windows.ts capVerdict).
 */
async function applyCaps(ctx: ClaimContext, live: Delivery[], done: Result[]): Promise<Delivery[]> {
  const appCap = ctx.deps.rules?.frequencyCap;
  const capOf = (d: Delivery) => (d.sourceType === 'campaign' ? ctx.campaigns.get(d.sourceId)?.frequencyCap : undefined);
  const appOf = (d: Delivery) => (appCap && appRulesApply(d) ? appCap : undefined);
  const capped = live.filter((d) => capOf(d) || appOf(d));
  if (!capped.length) return live;
  const { deps } = ctx;
  const now = deps.clock.now();
  const caps = capped.flatMap((d) => [capOf(d), appOf(d)].filter((c) => c !== undefined));
  const load = await deps.deliveries.campaignLoad(capped.map((d) => d.openid), now - capWindowMs(caps));
  const wait = (d: Delivery) => {
    const retryAt = now + deps.config.requeueDelayMs + Math.round(deps.random() * deps.config.requeueDelayMs);
    done.push(early(d, 'pending', 'frequency_cap_wait', 'none', retryAt));
  };
  return live.filter((d) => {
    const cap = capOf(d);
    const app = appOf(d);
    if (!cap && !app) return true;
    const others = load.filter((l) => l._id !== d._id);
    const verdict = cap ? capVerdict(d.openid, cap, others, now) : 'send';
    if (verdict === 'skip') done.push(early(d, 'skipped', 'frequency_cap'));
    else if (verdict === 'defer') wait(d);
    if (verdict !== 'send') return false;
    if (!app) return true;
    const appVerdict = capVerdict(d.openid, app, others, now);
    if (appVerdict === 'defer') wait(d);
    else if (appVerdict === 'skip') settleVerdict(d, deferOrExpire(d, capFreeAt(d.openid, app, others, now), 'app_frequency_cap', deps.rules) as Exclude<Verdict, { kind: 'go' }>, done);
    return appVerdict === 'send';
  });
}

/**
 * Daily budgets: each campaign with `dailyBudget` reserves its sends of the local day on its document (conditional
 * writes, never over the budget); what does not fit waits for the next local day (`daily_budget`).
 */
async function applyBudgets(ctx: ClaimContext, live: Delivery[], done: Result[]): Promise<Delivery[]> {
  const byCampaign = new Map<string, Delivery[]>();
  for (const d of live) {
    const c = d.sourceType === 'campaign' ? ctx.campaigns.get(d.sourceId) : undefined;
    if (!c?.dailyBudget) continue;
    const list = byCampaign.get(c._id) ?? [];
    list.push(d);
    byCampaign.set(c._id, list);
  }
  if (!byCampaign.size) return live;
  const now = ctx.deps.clock.now();
  const over = new Set<string>();
  for (const [id, list] of byCampaign) {
    const c = ctx.campaigns.get(id)!;
    const { day, next } = budgetDay(now, c.zone);
    const n = await ctx.deps.campaigns.reserveBudget(id, day, list.length, c.dailyBudget!);
    for (const d of list.slice(n)) {
      over.add(d._id);
      done.push(early(d, 'pending', 'daily_budget', 'none', next));
    }
  }
  return live.filter((d) => !over.has(d._id));
}
