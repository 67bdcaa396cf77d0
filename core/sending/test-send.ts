// Core layer (pure): admin test sends and previews — test sends reach only config/tixing.json `testWhitelist`
// and go through the same pipeline (validation, grant ledger, outcome table) as every other send.
import type { Caller } from '../actions';
import { DomainError } from '../envelope';
import { normaliseMessage, type RawValue } from '../template/normalise';
import { renderCard, type Card } from '../template/preview';
import { validateMessage, type ValidationError } from '../template/validate';
import type { SendingDeps } from './ports';
import { QUOTA_PAUSED_REASON, sendNow } from './send-now';

export interface TestSendInput {
  templateId: string;
  data: Readonly<Record<string, RawValue>>;
  page?: string;
  /** Default: the caller's own openid. Every one must be on the whitelist. */
  openids?: string[];
  normalise?: boolean;
}

export interface TestSendResult {
  openid: string;
  /** `sent`, or the reason (outcomes.ts vocabulary, e.g. `no_grant`, `invalid_page`, `timeout`). */
  outcome: string;
  errCode?: number;
  /** Absent when nothing was written (`quota_paused`). */
  deliveryId?: string;
}

/**
 * True for a tester the daily-quota pause reached after others of the same batch were answered (a send of this batch
 * met 45009 and paused sending): reported as `quota_paused` instead of failing the whole batch. Before any answer the
 * QUOTA_PAUSED error stands for the call.
 */
export function heldByQuotaPause(err: unknown, answered: number): boolean {
  return answered > 0 && err instanceof DomainError && err.code === 'QUOTA_PAUSED';
}

export async function testSend(
  deps: SendingDeps,
  caller: Caller,
  input: TestSendInput,
): Promise<{ results: TestSendResult[] }> {
  const targets = input.openids && input.openids.length > 0 ? [...new Set(input.openids)] : caller.openid ? [caller.openid] : [];
  if (targets.length === 0) throw new DomainError('INVALID_INPUT', 'no openid to test-send to');
  const refused = targets.filter((o) => !deps.config.testWhitelist.includes(o));
  if (refused.length > 0) {
    throw new DomainError('FORBIDDEN', `test sends go only to config/tixing.json testWhitelist; not on it: ${refused.join(', ')}`, { refused });
  }
  const batch = deps.ids.next();
  const results: TestSendResult[] = [];
  for (const openid of targets) {
    let r;
    try {
      r = await sendNow(deps, caller, {
        sourceType: 'test',
        sourceId: `${input.templateId}.${batch}`,
        openid,
        templateId: input.templateId,
        data: input.data,
        ...(input.page ? { page: input.page } : {}),
        ...(input.normalise ? { normalise: true } : {}),
      });
    } catch (err) {
      if (!heldByQuotaPause(err, results.length)) throw err;
      results.push({ openid, outcome: QUOTA_PAUSED_REASON });
      continue;
    }
    const one: TestSendResult = { openid, outcome: r.status === 'sent' ? 'sent' : (r.reason ?? r.status), deliveryId: r.deliveryId };
    if (r.errCode !== undefined) one.errCode = r.errCode;
    results.push(one);
  }
  return { results };
}

export interface PreviewInput {
  templateId: string;
  data: Readonly<Record<string, RawValue>>;
  page?: string;
  normalise?: boolean;
}

export interface PreviewResult {
  valid: boolean;
  errors: ValidationError[];
  data: Record<string, string>;
  card: Card;
  text: string;
}

/** The card as the user will read it, with the validation verdict; nothing is sent or stored. */
export async function previewMessage(deps: Pick<SendingDeps, 'templates' | 'config'>, input: PreviewInput): Promise<PreviewResult> {
  const template = await deps.templates.get(input.templateId);
  if (!template) throw new DomainError('UNKNOWN_TEMPLATE', `template ${input.templateId} is not in the registry`);
  const data = input.normalise
    ? normaliseMessage(template, input.data, { zone: deps.config.zone })
    : Object.fromEntries(Object.entries(input.data).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : typeof v === 'object' ? String(v.value) : String(v)]));
  const { valid, errors } = validateMessage(template, data);
  const { card, text } = renderCard(template, data, input.page);
  return { valid, errors, data, card, text };
}
