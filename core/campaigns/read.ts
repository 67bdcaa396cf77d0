// Core (pure): what admins see — list with progress, one campaign, exact stats, audience preview — and test sends.
import type { Caller } from '../actions';
import { readAnalytics, type Analytics } from '../analytics';
import { QUOTA_PAUSED_REASON } from '../sending/send-now';
import { heldByQuotaPause } from '../sending/test-send';
import { quotaPauseInForce } from '../dispatch/ops';
import { DomainError } from '../envelope';
import type { Campaign, CampaignStatus } from './model';
import type { AudienceCounts, CampaignDeps, TestSendResult } from './ports';
import { loadCampaign } from './edit';
import { describeInstant } from './schedule';
import { foldStats, summarise, type CampaignStats, type CampaignSummary } from './stats';
import { resolveForUser } from './variables';
import { describeQuotaReset } from '../sending/quota';

/** "Paused for quota until …": the dispatcher's pause after 45009 / -501003, while it lasts (null otherwise). */
export interface QuotaPause {
  until: number;
  errCode: number | null;
  /** `配额已用完，2026-05-02 00:00 北京时间 恢复` */
  message: string;
}

export async function quotaPause(deps: CampaignDeps): Promise<QuotaPause | null> {
  const p = quotaPauseInForce(deps.ops ? await deps.ops.read() : {}, deps.clock.now());
  if (!p) return null;
  return { until: p.until, errCode: p.errCode ?? null, message: `配额已用完，${describeQuotaReset(p.until)} 恢复` };
}

export async function listCampaigns(
  deps: CampaignDeps,
  input: { status?: CampaignStatus; limit?: number },
): Promise<{ campaigns: CampaignSummary[]; quotaPause: QuotaPause | null }> {
  const list = await deps.campaigns.list(input.limit ?? 50, input.status);
  return { campaigns: list.map(summarise), quotaPause: await quotaPause(deps) };
}

export type CampaignView = Campaign & { id: string; sendAtDisplay: string | null };

export function viewOf(c: Campaign): CampaignView {
  return { ...c, id: c._id, sendAtDisplay: c.sendAt === undefined ? null : describeInstant(c.sendAt, c.zone) };
}

export async function getCampaign(deps: CampaignDeps, input: { id: string }): Promise<{ campaign: CampaignView; quotaPause: QuotaPause | null }> {
  return { campaign: viewOf(await loadCampaign(deps, input.id)), quotaPause: await quotaPause(deps) };
}

/** Exact numbers from `deliveries` (one aggregation + one count), with the campaign's status alongside. */
export async function campaignStats(deps: CampaignDeps, input: { id: string }): Promise<CampaignStats & { status: CampaignStatus }> {
  const c = await loadCampaign(deps, input.id);
  const [first, opened] = await Promise.all([deps.deliveries.groups(c._id), deps.deliveries.opened(c._id)]);
  let groups = first;
  // A dispatcher run may create deliveries in the instant between `cancel` and its sweep; they can never be sent
  // (only `running` campaigns are claimed), so finish them here: idempotent, and only `pending` ones.
  if (c.status === 'cancelled' && groups.some((g) => g.status === 'pending' && g.n > 0)) {
    await deps.deliveries.cancelPending(c._id, deps.clock.now());
    groups = await deps.deliveries.groups(c._id);
  }
  return { ...foldStats(groups, opened), status: c.status };
}

export async function previewAudience(deps: CampaignDeps, input: { id: string }): Promise<AudienceCounts> {
  const c = await loadCampaign(deps, input.id);
  return deps.audience.count(c, deps.clock.now());
}

/**
 * Sends the campaign's message to whitelisted testers only (config testWhitelist), each with their own variables
 * resolved, through the sending helper's test-send path (a `test` delivery, validated before WeChat is called).
 */
export async function testSendCampaign(
  deps: CampaignDeps,
  input: { id: string; openids?: string[] },
  caller: Caller,
): Promise<{ results: TestSendResult[] }> {
  const c = await loadCampaign(deps, input.id);
  const openids = input.openids ?? [...deps.config.testWhitelist];
  const outside = openids.filter((o) => !deps.config.testWhitelist.includes(o));
  if (outside.length > 0) {
    throw new DomainError('FORBIDDEN', `test sends go to the whitelist only (config/tixing.json testWhitelist); not: ${outside.join(', ')}`, { openids: outside });
  }
  if (openids.length === 0) throw new DomainError('CONFLICT', 'the test whitelist is empty (config/tixing.json testWhitelist)');
  const results: TestSendResult[] = [];
  // One at a time: a handful of testers, and WeChat refuses concurrent sends to one user (43108) anyway.
  for (const openid of openids) {
    const profile = await deps.users.get(openid);
    const data = resolveForUser(c.data, profile);
    const request = { templateId: c.templateId, data, openid, sourceId: c._id };
    let result: TestSendResult;
    try {
      result = await deps.testSender.send(c.page === undefined ? request : { ...request, page: c.page }, caller);
    } catch (err) {
      if (!heldByQuotaPause(err, results.length)) throw err;
      result = { openid, outcome: QUOTA_PAUSED_REASON };
    }
    results.push(profile?.nickname ? { ...result, nickname: profile.nickname } : result);
  }
  return { results };
}

/**
 * Analytics of a campaign (`id`: grant conversion for its template) or of a notify key (`notifyKey`: deliveries with
 * `sourceType: 'notify'`, conversion for `templateId` when given, else for every template); with the zone to show
 * hours in.
 */
export async function analyticsOf(
  deps: CampaignDeps,
  input: { id?: string; notifyKey?: string; templateId?: string },
): Promise<Analytics & { zone: string; status: CampaignStatus | null }> {
  if (input.id !== undefined) {
    const c = await loadCampaign(deps, input.id);
    const a = await readAnalytics(deps.analytics, { sourceType: 'campaign', sourceId: c._id }, c.zone, c.templateId);
    return { ...a, zone: c.zone, status: c.status };
  }
  const a = await readAnalytics(deps.analytics, { sourceType: 'notify', sourceId: input.notifyKey ?? '' }, deps.config.zone, input.templateId);
  return { ...a, zone: deps.config.zone, status: null };
}
