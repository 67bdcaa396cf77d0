// Scripts (operator CLI): `campaigns list | show | stats | deliveries` — read-only views over the database, reusing
// the functions' stores (adapters/stores/*) and the core's stats folding.
import type { Campaign, CampaignStatus } from '../../core/campaigns/model';
import { CAMPAIGN_STATUSES } from '../../core/campaigns/model';
import { foldStats, progressOf, summarise, ZERO_COUNTERS, type CampaignStats } from '../../core/campaigns/stats';
import { describeInstant } from '../../core/campaigns/schedule';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../../core/delivery';
import { createCampaignStore } from '../../adapters/stores/campaigns';
import { createDeliveryStats, DELIVERIES } from '../../adapters/stores/stats';
import type { Database, Doc } from '../../adapters/db';
import { campaignsTable, statsLines, table, when } from './format';

export type Out = (line: string) => void;

export class CliError extends Error {}

export function parseStatus<T extends string>(value: string | undefined, allowed: readonly T[], what: string): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new CliError(`unknown ${what} status ${JSON.stringify(value)}; one of ${allowed.join(', ')}`);
}

export async function loadCampaign(database: Database, id: string): Promise<Campaign> {
  const c = await createCampaignStore(() => database).get(id);
  if (!c) throw new CliError(`campaign ${id} not found`);
  return c;
}

export async function exactStats(database: Database, id: string): Promise<CampaignStats> {
  const src = createDeliveryStats(() => database);
  const [groups, opened] = await Promise.all([src.groups(id), src.opened(id)]);
  return foldStats(groups, opened);
}

export async function listCommand(database: Database, out: Out, opts: { status?: string; limit?: number; json?: boolean }): Promise<void> {
  const status = parseStatus<CampaignStatus>(opts.status, CAMPAIGN_STATUSES, 'campaign');
  const list = (await createCampaignStore(() => database).list(opts.limit ?? 50, status)).map(summarise);
  out(opts.json ? JSON.stringify(list, null, 2) : campaignsTable(list));
}

export async function showCommand(database: Database, out: Out, id: string, opts: { json?: boolean }): Promise<void> {
  const c = await loadCampaign(database, id);
  const stats = await exactStats(database, id);
  if (opts.json) {
    out(JSON.stringify({ campaign: c, stats }, null, 2));
    return;
  }
  const p = progressOf(c.status, { ...ZERO_COUNTERS, ...c.counters });
  const { kind: _kind, ...audienceRest } = c.audience;
  const aud = c.audience.kind === 'all' ? 'all grant holders' : c.audience.kind === 'list' ? `list of ${c.audience.openids.length} openids` : `segment ${JSON.stringify(audienceRest)}`;
  out(`${c.name}  (${c._id})`);
  out(`status    ${c.status}${c.quarantineReason ? ` — ${c.quarantineReason}` : ''}`);
  out(`template  ${c.templateId}   page ${c.page ?? '-'}   ${c.miniprogramState}/${c.lang}`);
  out(`send at   ${c.sendAt === undefined ? 'not scheduled' : `${describeInstant(c.sendAt, c.zone)} ${c.zone} (${new Date(c.sendAt).toISOString()})`}`);
  out(`audience  ${aud}`);
  if (c.quietHours) out(`quiet     ${c.quietHours.start}–${c.quietHours.end} ${c.zone}`);
  if (c.frequencyCap) out(`cap       ${c.frequencyCap.max} per ${c.frequencyCap.perHours} h`);
  out(`started   ${when(c.startedAt, c.zone)}   completed ${when(c.completedAt, c.zone)}`);
  for (const [k, v] of Object.entries(c.data)) out(`data      ${k} = ${v}`);
  out(`counters  sent ${p.sent}/${p.targeted}, skipped ${p.skipped}, failed ${p.failed}, pending ${p.pending}`);
  out('stats (exact, from deliveries):');
  for (const line of statsLines(stats)) out(`  ${line}`);
}

export async function statsCommand(database: Database, out: Out, id: string): Promise<void> {
  const c = await loadCampaign(database, id);
  out(JSON.stringify({ id, status: c.status, ...(await exactStats(database, id)) }, null, 2));
}

/** One page of a campaign's deliveries, in `_id` order from `after` (keyset paging, never skip). */
export async function deliveriesCommand(
  database: Database,
  out: Out,
  id: string,
  opts: { status?: string; limit?: number; after?: string; json?: boolean },
): Promise<void> {
  const c = await loadCampaign(database, id);
  const _ = database.command;
  const status = parseStatus<DeliveryStatus>(opts.status, DELIVERY_STATUSES, 'delivery');
  const where: Doc = { sourceType: 'campaign', sourceId: id };
  if (status) where.status = status;
  if (opts.after) where._id = _.gt(opts.after);
  const limit = Math.min(opts.limit ?? 50, 1000);
  const rows = (await database.collection(DELIVERIES).where(where).orderBy('_id', 'asc').limit(limit).get()).data;
  if (opts.json) {
    out(JSON.stringify(rows, null, 2));
    return;
  }
  if (rows.length === 0) {
    out('no deliveries');
    return;
  }
  const t = (v: unknown) => (typeof v === 'number' ? when(v, c.zone) : '-');
  out(
    table(
      ['OPENID', 'STATUS', 'REASON', 'ERRCODE', 'ATTEMPTS', 'SENT AT', 'OPENED AT'],
      rows.map((d) => [String(d.openid), String(d.status), String(d.reason ?? '-'), d.errCode === undefined ? '-' : String(d.errCode), String(d.attempts ?? 0), t(d.sentAt), t(d.openedAt)]),
    ),
  );
  if (rows.length === limit) out(`more: --after ${String(rows[rows.length - 1]?._id)}`);
}
