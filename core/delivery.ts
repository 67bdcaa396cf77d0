// Core: the delivery record (queue item and log line in one) and its status vocabulary, defined once.

export const DELIVERY_STATUSES = ['pending', 'sending', 'sent', 'skipped', 'failed', 'unknown', 'cancelled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * `pending` (queued, due at `nextAttemptAt`) → `sending` (claimed with a lease) → a final status, or back to `pending`
 * (retry, release, or recovery of a claim whose send never started). `pending` → `cancelled` by its owner.
 */
export const FINAL_STATUSES = ['sent', 'skipped', 'failed', 'unknown', 'cancelled'] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];

/** A delivery update: `set` fields, `inc` counters, `unset` fields. */
export interface DeliveryWrite {
  set: Record<string, unknown>;
  inc?: Record<string, number>;
  unset?: string[];
}

/** `notify`: queued by the notify function (or an inline send without a cloud-call token); sourceId = the caller's key. */
export type DeliverySource = 'campaign' | 'reminder' | 'notify' | 'test';

export interface Delivery {
  /** Deterministic: deliveryId(sourceType, sourceId, openid), so creating it twice is a no-op. */
  _id: string;
  sourceType: DeliverySource;
  sourceId: string;
  openid: string;
  templateId: string;
  page?: string;
  data: Record<string, { value: string }>;
  /**
   * The purpose this message serves (e.g. `order:123`, `reminder:<eventId>`): the send first uses a grant unit the
   * user's tap held for it (core/grants/holds.ts purpose holds) before any free one.
   */
  purpose?: string;
  miniprogramState?: 'developer' | 'trial' | 'formal';
  lang?: 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW';
  status: DeliveryStatus;
  /** Not before this time (epoch ms). */
  dueAt: number;
  attempts: number;
  nextAttemptAt: number;
  leaseOwner?: string;
  leaseUntil?: number;
  /** Token of the claim (a dispatcher batch or one inline send); also the hold token on the grant it reserved. */
  claimToken?: string;
  claimedAt?: number;
  /** Set just before the send call: after it, a lost lease is the ambiguous case (core/dispatch/recover.ts). */
  sendStartedAt?: number;
  /**
   * The delivery is final and its send is spent, but the hold `claimToken` on the grant is not yet pulled
   * (core/sending/settle.ts writes the delivery first, then consumes the hold, then clears this mark).
   */
  holdOpen?: boolean;
  msgid?: string;
  errCode?: number;
  /** Why skipped/failed, in Tixing's vocabulary (e.g. `no_grant`, `validation`, `frequency_cap`). */
  reason?: string;
  /** Operator detail: validation errors or WeChat's error message. */
  detail?: string;
  /**
   * Campaign deliveries: the queue slot of the openid (core/dispatch/slots.ts), so overlapping runs claim from
   * different slots. Absent on other sources and on deliveries created before slots existed.
   */
  slot?: number;
  /** The recipient's IANA zone (profile `tz`) when known at creation: quiet hours are read in it. */
  tz?: string;
  /**
   * App-wide rules (config `rules`: quiet hours, frequency cap) apply to campaign deliveries; other sources (notify,
   * reminders) are exempt unless their creator sets this to true.
   */
  appRules?: boolean;
  createdAt: number;
  updatedAt: number;
  sentAt?: number;
  openedAt?: number;
  /**
   * WeChat's sent receipt joined by msgid (core/sending/receipts.ts): `delivered`, or `failed` after WeChat accepted
   * the send. Absent until the push arrives (or when it never does).
   */
  receipt?: 'delivered' | 'failed';
  receiptAt?: number;
  /** The push's ErrorCode (0 when delivered). */
  receiptErrorCode?: number;
}

/** Deterministic delivery id: the same (source, user) always maps to the same document. */
export function deliveryId(sourceType: DeliverySource, sourceId: string, openid: string): string {
  return `${sourceType}:${sourceId}:${openid}`;
}

/** A new delivery with its deterministic id; nothing attempted yet. `page` is set by callers that need the id in it. */
export function newDelivery(
  fields: Pick<Delivery, 'sourceType' | 'sourceId' | 'openid' | 'templateId' | 'data'> &
    Partial<Pick<Delivery, 'page' | 'miniprogramState' | 'lang' | 'purpose'>>,
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
  if (fields.purpose) d.purpose = fields.purpose;
  return d;
}
