// Core layer (pure): the outbox — code running without a cloud-call token (a function called by another function,
// [CB-WXTOKEN] -501007) writes a pending delivery instead of sending; the timer-driven dispatcher sends it.
import { newDelivery, type Delivery } from '../delivery';
import { DomainError } from '../envelope';
import type { SendRequest } from '../ports';
import { normaliseMessage, type RawValue } from '../template/normalise';
import type { TemplateDoc } from '../template/registry';
import { fromWechatData, toWechatData, validateMessage } from '../template/validate';
import type { SendingDeps } from './ports';

export interface OutboxInput {
  /** Caller-provided idempotency key: the same key (and openid) always maps to the same delivery. */
  key: string;
  openid: string;
  templateId: string;
  data: Readonly<Record<string, RawValue>>;
  page?: string;
  /** Not before (epoch ms); default now. */
  dueAt?: number;
  /** Run the normaliser first (truncate, format dates, strip control characters). */
  normalise?: boolean;
  miniprogramState?: SendRequest['miniprogramState'];
  lang?: SendRequest['lang'];
}

/** Template lookup + normalisation + validation shared by every entry point; throws the envelope's domain errors. */
export async function prepareMessage(
  deps: Pick<SendingDeps, 'templates' | 'config'>,
  templateId: string,
  data: Readonly<Record<string, RawValue>>,
  normalise = false,
): Promise<{ template: TemplateDoc; data: Record<string, { value: string }> }> {
  const template = await deps.templates.get(templateId);
  if (!template) throw new DomainError('UNKNOWN_TEMPLATE', `template ${templateId} is not in the registry: sync templates or declare it in config/templates.json`);
  const plain = normalise
    ? normaliseMessage(template, data, { zone: deps.config.zone })
    : Object.fromEntries(Object.entries(data).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v]));
  const check = validateMessage(template, plain);
  if (!check.valid) {
    throw new DomainError('VALIDATION_FAILED', `data breaks ${templateId}'s keyword rules: ${check.errors.map((e) => e.message).join('; ')}`, { errors: check.errors });
  }
  return { template, data: toWechatData(fromWechatData(plain)) };
}


/**
 * Validates, then writes a pending `notify` delivery (id `notify:<key>:<openid>`). Enqueueing twice with the same
 * key is a no-op (`created: false`), so a retried caller never queues a message twice.
 */
export async function enqueue(
  deps: Pick<SendingDeps, 'templates' | 'config' | 'deliveries' | 'clock'>,
  input: OutboxInput,
): Promise<{ deliveryId: string; created: boolean; status: Delivery['status'] }> {
  const { data } = await prepareMessage(deps, input.templateId, input.data, input.normalise);
  const now = deps.clock.now();
  const delivery = newDelivery(
    { sourceType: 'notify', sourceId: input.key, openid: input.openid, templateId: input.templateId, data, page: input.page, miniprogramState: input.miniprogramState, lang: input.lang },
    'pending',
    now,
    input.dueAt ?? now,
  );
  const created = await deps.deliveries.create(delivery);
  if (created) return { deliveryId: delivery._id, created, status: 'pending' };
  const existing = await deps.deliveries.get(delivery._id);
  return { deliveryId: delivery._id, created, status: existing?.status ?? 'pending' };
}
