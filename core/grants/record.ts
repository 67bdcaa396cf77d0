// Core (grants): `subscriptions.record` — the client's report of one wx.requestSubscribeMessage tap.
import { DomainError } from '../envelope';
import type { AcceptOutcome } from './ledger';
import { grantId, GrantView, normaliseStatus } from './model';
import type { ConsentEntry, GrantsDeps } from './ports';
import { grantViews, registryMap, requireKnown } from './views';

export interface RecordInput {
  requestId: string;
  placement: { page: string; button: string };
  tmplIds: string[];
  result?: Record<string, string>;
  error?: { errCode: number; errMsg: string };
  purpose?: string;
}

export const RATE_WINDOW_MS = 60_000;

export async function recordTap(deps: GrantsDeps, openid: string, input: RecordInput): Promise<{ counted: boolean; grants: GrantView[] }> {
  const registry = await registryMap(deps);
  // Increments are capped to the ids asked in this call (≤ maxTemplatesPerRequest by schema), each once;
  // statuses for other keys of `result` (e.g. `errMsg`) are ignored.
  const ids = [...new Set(input.tmplIds)];
  const templates = requireKnown(registry, ids);
  // [RSM-CNBLOGS] [COMM-ACCEPTWITH] a template's status is accept (or an accept* variant), reject, ban or filter;
  // anything else is not an answer WeChat gives, so the report is refused before anything is written.
  if (input.result && !input.error) {
    const unknown = ids.filter((id) => input.result?.[id] !== undefined && normaliseStatus(input.result[id]) === null);
    if (unknown.length > 0) {
      throw new DomainError('INVALID_INPUT', `unknown subscription status for ${unknown.join(', ')}: expected accept, reject, ban or filter`, {
        templates: unknown,
      });
    }
  }
  // [RSM-MD] one-time and long-term ids cannot be asked together (20002): a success result that mixes them is a lie.
  if (input.result && new Set(templates.map((t) => t.kind)).size > 1) {
    throw new DomainError('INVALID_INPUT', 'one-time and long-term templates cannot be asked in one tap (WeChat answers 20002)');
  }
  if (!(await deps.rateLimiter.hit(openid, 'record', deps.limits.recordPerMinute, RATE_WINDOW_MS, deps.clock.now()))) {
    throw new DomainError('RATE_LIMITED', `at most ${deps.limits.recordPerMinute} reports per minute`);
  }
  const now = deps.clock.now();
  // The tap's purpose: the one it names, else the purpose of a placement marked transactional (config).
  const purpose = input.purpose ?? deps.transactional?.find((p) => p.page === input.placement.page && p.button === input.placement.button)?.purpose;
  const claimId = `rq:${openid}:${input.requestId}`;
  const state = await deps.requests.claim(claimId, {
    openid,
    kind: 'record',
    at: now,
    detail: { requestId: input.requestId, tmplIds: ids, placement: input.placement },
  });
  // 'open' = a duplicate still in flight, or the first attempt died mid-way: applying again is safe (tokens).
  if (state !== 'done') {
    const entries: ConsentEntry[] = [];
    for (const t of templates) {
      const key = { openid, templateId: t._id, kind: t.kind };
      const raw = input.result?.[t._id];
      const status = input.error ? null : normaliseStatus(raw);
      let ledger: AcceptOutcome | 'none' = 'none';
      if (status === 'accept') {
        ledger = await deps.ledger.applyAccept(key, 'client', `c:${input.requestId}`);
        // Held once per purpose (the hold is conditional on the purpose not being held yet): a retry holds nothing more.
        if (purpose && t.kind === 'one-time') await deps.holds.holdFor([grantId(openid, t._id)], purpose);
      } else if (status) await deps.ledger.recordResult(key, status);
      entries.push({
        _id: `c:${openid}:${input.requestId}:${t._id}`,
        openid,
        templateId: t._id,
        result: input.error ? 'error' : status ?? 'unknown',
        ...(raw !== undefined && { status: raw }),
        placement: input.placement,
        source: 'client',
        ledger,
        requestId: input.requestId,
        ...(purpose && { purpose }),
        ...(input.error && { errCode: input.error.errCode, reason: input.error.errMsg }),
        at: now,
      });
    }
    await deps.consent.append(entries);
    await deps.requests.finish(claimId);
  }
  const { items } = await grantViews(deps, openid, ids);
  return { counted: state === 'new', grants: items };
}
