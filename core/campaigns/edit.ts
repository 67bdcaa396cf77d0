// Core (pure): create and edit campaign drafts, and schedule them — validated against the template when saved.
import { DomainError } from '../envelope';
import type { Caller } from '../actions';
import { canTransitionCampaign, type Campaign, type CampaignStatus } from './model';
import type { CampaignDeps, TemplateInfo } from './ports';
import type { CreateInput, Patch } from './schema';
import { describeInstant, isValidZone, resolveSendAt } from './schedule';
import { ZERO_COUNTERS } from './stats';
import { assertCampaignData, assertCampaignPage } from './validate';
import { inQuietHours } from './quiet-hours';
import { startInstant } from './series';
import { carryEditToOccurrences, scheduleSeries, type SeriesEditResult } from './series-actions';

/** Statuses whose content may still change: nothing has been sent yet. */
export const EDITABLE: readonly CampaignStatus[] = ['draft', 'scheduled', 'quarantined'];

export async function loadCampaign(deps: Pick<CampaignDeps, 'campaigns'>, id: string): Promise<Campaign> {
  const c = await deps.campaigns.get(id);
  if (!c) throw new DomainError('NOT_FOUND', `campaign ${id} not found`);
  return c;
}

async function loadTemplate(deps: Pick<CampaignDeps, 'templates'>, templateId: string): Promise<TemplateInfo> {
  const t = await deps.templates.get(templateId);
  if (!t) throw new DomainError('UNKNOWN_TEMPLATE', `template ${templateId} is not in the registry (run templates.sync?)`, [{ path: 'templateId', message: 'unknown template' }]);
  return t;
}

export async function createCampaign(deps: CampaignDeps, input: CreateInput, caller: Caller): Promise<{ id: string }> {
  const template = await loadTemplate(deps, input.templateId);
  assertCampaignData(template, input.data);
  if (input.page !== undefined) assertCampaignPage(deps.config.pages, input.page);
  const now = deps.clock.now();
  const campaign: Campaign = {
    _id: deps.ids.next(),
    name: input.name,
    templateId: input.templateId,
    data: input.data,
    audience: input.audience,
    zone: deps.config.zone,
    miniprogramState: input.miniprogramState ?? deps.config.miniprogramState,
    lang: input.lang ?? deps.config.lang,
    status: 'draft',
    counters: { ...ZERO_COUNTERS },
    createdBy: caller.openid ?? '',
    createdAt: now,
    updatedAt: now,
  };
  if (input.page !== undefined) campaign.page = input.page;
  if (input.quietHours !== undefined) campaign.quietHours = input.quietHours;
  if (input.frequencyCap !== undefined) campaign.frequencyCap = input.frequencyCap;
  if (input.recurrence !== undefined) campaign.recurrence = input.recurrence;
  if (input.localTime) campaign.localTime = true;
  if (input.dailyBudget !== undefined) campaign.dailyBudget = input.dailyBudget;
  await deps.campaigns.insert(campaign);
  return { id: campaign._id };
}

function conflict(c: Campaign, what: string): DomainError {
  return new DomainError('CONFLICT', `campaign ${c._id} is ${c.status}: cannot ${what}`, { status: c.status });
}

export async function updateCampaign(
  deps: CampaignDeps,
  input: { id: string; patch: Patch },
): Promise<{ id: string; status: CampaignStatus; occurrences?: SeriesEditResult }> {
  const c = await loadCampaign(deps, input.id);
  if (!EDITABLE.includes(c.status)) throw conflict(c, 'edit (it has started or ended)');
  const set: Partial<Campaign> = {};
  const unset: (keyof Campaign)[] = [];
  for (const [k, v] of Object.entries(input.patch) as [keyof Patch, unknown][]) {
    if (v === null) unset.push(k);
    else if (v !== undefined) (set as Record<string, unknown>)[k] = v;
  }
  const templateId = input.patch.templateId ?? c.templateId;
  const template = await loadTemplate(deps, templateId);
  assertCampaignData(template, input.patch.data ?? c.data);
  if (typeof input.patch.page === 'string') assertCampaignPage(deps.config.pages, input.patch.page);
  // A fixed quarantined campaign goes back to draft (model: quarantined → draft) and must be scheduled again.
  const status: CampaignStatus = c.status === 'quarantined' ? 'draft' : c.status;
  if (status !== c.status && !canTransitionCampaign(c.status, status)) throw conflict(c, 'edit');
  set.status = status;
  set.updatedAt = deps.clock.now();
  const done = await deps.campaigns.updateIf(c._id, [c.status], set, unset);
  if (!done) throw conflict((await deps.campaigns.get(c._id)) ?? c, 'edit (it changed meanwhile)');
  // A scheduled series: the edit reaches its occurrences that have not started sending (series-actions.ts).
  if (c.recurrence && c.status === 'scheduled') {
    const after = { ...c, ...set } as Campaign;
    for (const k of unset) delete after[k];
    return { id: c._id, status, occurrences: await carryEditToOccurrences(deps, c, after) };
  }
  return { id: c._id, status };
}

export interface ScheduleResult {
  id: string;
  status: 'scheduled';
  sendAt: number;
  sendAtLocal: string;
  zone: string;
  /** ISO instant with the zone offset, e.g. `2026-11-21 09:00 +08:00`. */
  sendAtDisplay: string;
  sendAtUtc: string;
  warnings: string[];
}

export async function scheduleCampaign(deps: CampaignDeps, input: { id: string; sendAt?: string; zone?: string }): Promise<ScheduleResult> {
  const c = await loadCampaign(deps, input.id);
  if (c.recurrence) return scheduleSeries(deps, c, input.zone);
  if (input.sendAt === undefined) throw new DomainError('INVALID_INPUT', 'sendAt is required ("YYYY-MM-DD HH:mm")', [{ path: 'sendAt', message: 'required' }]);
  if (c.occurrence) throw conflict(c, 'schedule (an occurrence follows its series)');
  // draft → scheduled, or a new time for an already scheduled campaign (not yet promoted by the dispatcher).
  if (c.status !== 'scheduled' && !canTransitionCampaign(c.status, 'scheduled')) throw conflict(c, 'schedule');
  if (c.status === 'paused') throw conflict(c, 'schedule (resume it instead)');
  const zone = input.zone ?? c.zone ?? deps.config.zone;
  if (!isValidZone(zone)) throw new DomainError('INVALID_INPUT', `unknown time zone ${JSON.stringify(zone)}`, [{ path: 'zone', message: 'not an IANA time zone' }]);
  const now = deps.clock.now();
  // "09:00 local": the time must still be ahead in the campaign's zone; sending starts where it comes first (UTC+14).
  const sendAt = c.localTime ? Math.max(now + 1, (resolveSendAt(input.sendAt, zone, now), startInstant(input.sendAt, zone, true))) : resolveSendAt(input.sendAt, zone, now);
  // The template may have changed since the draft was saved: check again before committing to a time.
  assertCampaignData(await loadTemplate(deps, c.templateId), c.data);
  const done = await deps.campaigns.updateIf(c._id, ['draft', 'scheduled'], { status: 'scheduled', sendAt, sendAtLocal: input.sendAt, zone, updatedAt: now });
  if (!done) throw conflict((await deps.campaigns.get(c._id)) ?? c, 'schedule (it changed meanwhile)');
  const warnings: string[] = [];
  if (c.quietHours && inQuietHours(sendAt, zone, c.quietHours)) {
    warnings.push(`${input.sendAt} is inside quiet hours ${c.quietHours.start}–${c.quietHours.end}: sends wait for ${c.quietHours.end}`);
  }
  return {
    id: c._id,
    status: 'scheduled',
    sendAt,
    sendAtLocal: input.sendAt,
    zone,
    sendAtDisplay: describeInstant(sendAt, zone),
    sendAtUtc: new Date(sendAt).toISOString(),
    warnings,
  };
}
