// Core (notify): the request a team's function makes with one idempotency key — its document, the fingerprint that
// tells "the same request again" from "another request under the same key", and the public answer.
import type { Delivery } from '../delivery';
import { OUTCOMES } from '../sending/outcomes';

/** Queued with this `nextAttemptAt`, a delivery is not yet claimable: the request is armed once it is recorded open. */
export const PARKED = 8_640_000_000_000_000;

/**
 * `creating` — recorded, deliveries being written (parked); `open` — deliveries armed, the dispatcher sends them;
 * `cancelled` — cancel answered: every delivery still pending was cancelled, none is armed any more.
 */
export type NotifyState = 'creating' | 'open' | 'cancelled';

/** `notify_requests` document, `_id` = the caller's key. */
export interface NotifyRequest {
  _id: string;
  fingerprint: string;
  state: NotifyState;
  templateId: string;
  recipients: number;
  dueAt: number;
  purpose?: string;
  createdAt: number;
  updatedAt: number;
  cancelledAt?: number;
}

/** What `send` answers — derived from the stored request only, so a repeated send answers exactly the same. */
export interface SendAnswer {
  key: string;
  templateId: string;
  recipients: number;
  dueAt: number;
  purpose?: string;
  acceptedAt: number;
}

export function answerOf(r: NotifyRequest): SendAnswer {
  return {
    key: r._id,
    templateId: r.templateId,
    recipients: r.recipients,
    dueAt: r.dueAt,
    ...(r.purpose ? { purpose: r.purpose } : {}),
    acceptedAt: r.createdAt,
  };
}

/** JSON with object keys sorted at every level: equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** cyrb53: a fast 53-bit string hash (pure; not cryptographic — it only compares two requests under one key). */
function hash53(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** The fingerprint of a send's payload (everything but the key; recipients as a set). */
export function fingerprint(payload: Record<string, unknown> & { to: readonly string[] }): string {
  const text = canonicalJson({ ...payload, to: [...new Set(payload.to)].sort() });
  return `${hash53(text)}.${text.length.toString(36)}`;
}

/** What `status` tells per recipient. */
export interface RecipientStatus {
  openid: string;
  status: Delivery['status'];
  reason?: string;
  errCode?: number;
  dueAt: number;
  sentAt?: number;
  attempts: number;
  /** Why it was (not) sent, in words. */
  why: string;
}

/** One sentence per outcome: "why was this (not) sent". */
export function explain(d: Pick<Delivery, 'status' | 'reason' | 'errCode' | 'nextAttemptAt' | 'dueAt' | 'attempts'> & { detail?: string }): string {
  const at = (ms: number) => new Date(ms).toISOString();
  switch (d.status) {
    case 'sent':
      return 'sent: WeChat accepted it';
    case 'sending':
      return 'being sent right now';
    case 'pending':
      if (d.nextAttemptAt >= PARKED) return 'being queued (the send call has not finished recording it)';
      if (d.attempts > 0 || d.reason) return `waiting to retry at ${at(d.nextAttemptAt)}${d.reason ? ` (${d.reason})` : ''}`;
      return `queued: due at ${at(Math.max(d.dueAt, d.nextAttemptAt))}`;
    case 'cancelled':
      return 'not sent: cancelled before it was sent';
    case 'unknown':
      if (d.errCode !== undefined) return `maybe sent: errcode ${d.errCode} — ${OUTCOMES[String(d.errCode)]?.operator ?? "WeChat's answer was lost"}; never sent again (at most once)`;
      return "maybe sent: WeChat's answer was lost; it is never sent again (at most once)";
    case 'skipped':
      if (d.reason === 'no_grant') return 'not sent: the user has no subscription left for this template (ask again with wx.requestSubscribeMessage)';
      if (d.reason === 'quiet_hours') return 'not sent: quiet hours';
      if (d.reason === 'frequency_cap') return 'not sent: frequency cap reached';
      return `not sent: skipped (${d.reason ?? 'no reason recorded'})`;
    case 'failed':
      if (d.reason === 'validation') return `not sent: the data broke the template's rules for this user${d.detail ? ` (${d.detail})` : ''}`;
      // The operator's sentence comes from the one errcode table (core/sending/outcomes.ts).
      if (d.errCode !== undefined) return `not sent: WeChat answered errcode ${d.errCode} — ${OUTCOMES[String(d.errCode)]?.operator ?? d.reason ?? 'undocumented'}`;
      return `not sent: failed (${d.reason ?? 'no reason recorded'})`;
  }
}
