// Core: the delivery record (queue item and log line in one) and its status vocabulary, defined once.

export const DELIVERY_STATUSES = ['pending', 'sending', 'sent', 'skipped', 'failed', 'unknown', 'cancelled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Allowed transitions. `sending` is a leased claim; an expired lease returns it to `pending` (or `unknown`). */
export const DELIVERY_TRANSITIONS: Record<DeliveryStatus, readonly DeliveryStatus[]> = {
  pending: ['sending', 'skipped', 'cancelled'],
  sending: ['sent', 'pending', 'skipped', 'failed', 'unknown'],
  sent: [],
  skipped: [],
  failed: [],
  unknown: [],
  cancelled: [],
};

export const FINAL_STATUSES: readonly DeliveryStatus[] = ['sent', 'skipped', 'failed', 'unknown', 'cancelled'];

export function canTransition(from: DeliveryStatus, to: DeliveryStatus): boolean {
  return DELIVERY_TRANSITIONS[from].includes(to);
}

export type DeliverySource = 'campaign' | 'reminder' | 'outbox' | 'test';

export interface Delivery {
  /** Deterministic: deliveryId(sourceType, sourceId, openid), so creating it twice is a no-op. */
  _id: string;
  sourceType: DeliverySource;
  sourceId: string;
  openid: string;
  templateId: string;
  page?: string;
  data: Record<string, { value: string }>;
  miniprogramState?: 'developer' | 'trial' | 'formal';
  lang?: 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW';
  status: DeliveryStatus;
  /** Not before this time (epoch ms). */
  dueAt: number;
  attempts: number;
  nextAttemptAt: number;
  leaseOwner?: string;
  leaseUntil?: number;
  /** Token of the dispatcher's claim batch; also the hold token pushed onto the grants that claim reserved. */
  claimToken?: string;
  claimedAt?: number;
  /** Set just before the send call: after it, a lost lease is the ambiguous case (core/dispatch/recover.ts). */
  sendStartedAt?: number;
  /** An ambiguous earlier attempt with the ledger at 0: the next send decides (WeChat's own count). */
  probe?: boolean;
  msgid?: string;
  errCode?: number;
  /** Why skipped/failed, in Tixing's vocabulary (e.g. `no_grant`, `validation`, `frequency_cap`). */
  reason?: string;
  /** Operator detail: validation errors or WeChat's error message. */
  detail?: string;
  createdAt: number;
  updatedAt: number;
  sentAt?: number;
  openedAt?: number;
}

/** Deterministic delivery id: the same (source, user) always maps to the same document. */
export function deliveryId(sourceType: DeliverySource, sourceId: string, openid: string): string {
  return `${sourceType}:${sourceId}:${openid}`;
}

/** A new delivery with its deterministic id; nothing attempted yet. `page` is set by callers that need the id in it. */
export function newDelivery(
  fields: Pick<Delivery, 'sourceType' | 'sourceId' | 'openid' | 'templateId' | 'data'> &
    Partial<Pick<Delivery, 'page' | 'miniprogramState' | 'lang'>>,
  status: 'pending' | 'sending',
  now: number,
  dueAt = now,
): Delivery {
  const d: Delivery = {
    _id: deliveryId(fields.sourceType, fields.sourceId, fields.openid),
    sourceType: fields.sourceType,
    sourceId: fields.sourceId,
    openid: fields.openid,
    templateId: fields.templateId,
    data: fields.data,
    status,
    dueAt,
    attempts: 0,
    nextAttemptAt: dueAt,
    createdAt: now,
    updatedAt: now,
  };
  if (fields.page) d.page = fields.page;
  if (fields.miniprogramState) d.miniprogramState = fields.miniprogramState;
  if (fields.lang) d.lang = fields.lang;
  return d;
}
