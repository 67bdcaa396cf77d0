// Scripts (operator CLI): `campaigns list | show | stats | deliveries | analytics`, `notify status` — views over the
// database — and `campaigns pause | resume | cancel`, reusing the functions' stores (adapters/stores/*) and core's use
// cases (stats folding, analytics, lifecycle).
import type { Campaign, CampaignStatus } from '../../core/campaigns/model';
import { CAMPAIGN_STATUSES } from '../../core/campaigns/model';
import { foldStats, progressOf, summarise, ZERO_COUNTERS, type CampaignStats } from '../../core/campaigns/stats';
import { describeInstant, epochToLocal } from '../../core/campaigns/schedule';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../../core/delivery';
import { readAnalytics, type Analytics } from '../../core/analytics';
import type { LifecycleDeps } from '../../core/campaigns/lifecycle';
import { cancelAny, pauseAny, resumeAny } from '../../core/campaigns/series-actions';
import { DomainError } from '../../core/envelope';
import { OUTCOME_LABELS, OUTCOMES } from '../../core/outcomes';
import { createAnalyticsSource } from '../../adapters/stores/analytics';
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
  out(`counters  ${(['sent', 'skipped', 'failed', 'unknown', 'cancelled', 'pending'] as const).map((o) => `${OUTCOME_LABELS[o].en} ${p[o]}${o === 'sent' ? `/${p.targeted}` : ''}`).join(', ')}`);
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

// ---- acting on a campaign, notify keys, analytics -------------------------------------------------------------

/**
 * `campaigns pause|resume|cancel <id>`: core's own use cases (core/campaigns/lifecycle.ts, the rules the admin pages
 * obey: the same transitions, the same conditional update, cancel sweeping pending deliveries), on this connection.
 */
export async function lifecycleCommand(database: Database, out: Out, verb: 'pause' | 'resume' | 'cancel', id: string): Promise<void> {
  const deps: LifecycleDeps = {
    clock: { now: () => Date.now() },
    campaigns: createCampaignStore(() => database),
    deliveries: createDeliveryStats(() => database),
  };
  const before = await loadCampaign(database, id);
  try {
    // The series-aware versions: a recurring series moves together with its open occurrences, as in the admin pages.
    const run = { pause: pauseAny, resume: resumeAny, cancel: cancelAny }[verb];
    const res = await run(deps, { id });
    const swept = 'cancelledDeliveries' in res ? `; ${res.cancelledDeliveries} pending deliveries cancelled` : '';
    out(res.changed ? `${id}: ${before.status} → ${res.status}${swept}` : `${id}: already ${res.status}, nothing to do${swept}`);
  } catch (e) {
    if (e instanceof DomainError) throw new CliError(`cannot ${verb} ${id}: ${e.message}`);
    throw e;
  }
}

const pct = (r: number | null): string => (r === null ? '-' : `${(100 * r).toFixed(1)}%`);

export function analyticsLines(a: Analytics, zone: string): string[] {
  const lines = ['outcomes  ' + OUTCOMES.map((o) => `${OUTCOME_LABELS[o].en} ${a.outcomes[o]}`).join(', ')];
  lines.push('funnel');
  for (const f of a.funnel) lines.push(`  ${OUTCOME_LABELS[f.stage].en.padEnd(10)}${String(f.n).padStart(8)}  ${f.rate === null ? '' : `${pct(f.rate)} of previous`}`);
  lines.push(`CTR       ${pct(a.ctr)}${a.funnel[2]?.n ? ' (opened / delivered)' : ' (opened / sent)'}`);
  if (a.receiptFailed > 0) lines.push(`receipts  ${a.receiptFailed} failed after WeChat accepted them`);
  if (a.sendsPerHour.length > 0) {
    lines.push(`sends per hour (${zone})`);
    const max = Math.max(...a.sendsPerHour.map((h) => h.n));
    for (const h of a.sendsPerHour) lines.push(`  ${epochToLocal(h.hour, zone)}  ${'█'.repeat(Math.max(1, Math.round((20 * h.n) / max)))} ${h.n}`);
  }
  if (a.placements.length > 0) {
    lines.push('grant conversion per placement (taps → accepts)');
    lines.push(...table(['PAGE', 'BUTTON', 'TAPS', 'ACCEPTS', 'RATE'], a.placements.map((p) => [p.page, p.button, String(p.taps), String(p.accepts), pct(p.rate)])).split('\n').map((l) => `  ${l}`));
  }
  return lines;
}

/** `campaigns analytics <id>`: the funnel, CTR, sends per hour and grant conversion, from aggregations. */
export async function analyticsCommand(database: Database, out: Out, id: string, opts: { json?: boolean }): Promise<void> {
  const c = await loadCampaign(database, id);
  const a = await readAnalytics(createAnalyticsSource(() => database), { sourceType: 'campaign', sourceId: id }, c.zone, c.templateId);
  if (opts.json) return out(JSON.stringify({ ...a, zone: c.zone, status: c.status }, null, 2));
  out(`${c.name}  (${c._id})  ${c.status}`);
  for (const l of analyticsLines(a, c.zone)) out(l);
}

/**
 * `notify status <key>`: what happened to the messages sent under one notify key (deliveries with
 * `sourceType: 'notify'`, `sourceId` = the key): outcomes, funnel, and the first recipients with their status.
 */
export async function notifyStatusCommand(database: Database, out: Out, key: string, opts: { json?: boolean; zone: string; limit?: number }): Promise<void> {
  const a = await readAnalytics(createAnalyticsSource(() => database), { sourceType: 'notify', sourceId: key }, opts.zone);
  const targeted = a.funnel[0]?.n ?? 0;
  if (targeted === 0) throw new CliError(`no notify deliveries with key ${JSON.stringify(key)}`);
  const limit = Math.min(opts.limit ?? 20, 1000);
  const rows = (await database.collection(DELIVERIES).where({ sourceType: 'notify', sourceId: key }).orderBy('_id', 'asc').limit(limit).get()).data;
  if (opts.json) return out(JSON.stringify({ key, ...a, deliveries: rows }, null, 2));
  out(`notify ${key}`);
  for (const l of analyticsLines(a, opts.zone)) out(l);
  const t = (v: unknown) => (typeof v === 'number' ? when(v, opts.zone) : '-');
  out(
    table(
      ['OPENID', 'STATUS', 'REASON', 'ATTEMPTS', 'NEXT ATTEMPT', 'SENT AT', 'RECEIPT', 'OPENED AT'],
      rows.map((d) => [String(d.openid), String(d.status), String(d.reason ?? '-'), String(d.attempts ?? 0), d.status === 'pending' ? t(d.nextAttemptAt) : '-', t(d.sentAt), String(d.receipt ?? '-'), t(d.openedAt)]),
    ),
  );
  if (rows.length === limit && targeted > limit) out(`(${targeted - limit} more recipients not shown)`);
}

/**
 * The earliest pending delivery of a campaign, when nothing can move before it: its time, and whether it waits on a
 * retry (it was attempted before) — `watch` shows this instead of an ETA. One indexed read.
 */
export async function nextWait(database: Database, id: string, now: number): Promise<{ at: number; retry: boolean } | null> {
  const rows = (
    await database
      .collection(DELIVERIES)
      .where({ sourceType: 'campaign', sourceId: id, status: 'pending' })
      .orderBy('nextAttemptAt', 'asc')
      .limit(1)
      .field({ nextAttemptAt: true, attempts: true })
      .get()
  ).data;
  const first = rows[0];
  if (!first || typeof first.nextAttemptAt !== 'number' || first.nextAttemptAt <= now) return null;
  return { at: first.nextAttemptAt, retry: Number(first.attempts ?? 0) > 0 };
}
