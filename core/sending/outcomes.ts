// Core layer (pure): THE table mapping every subscribeMessage.send errcode ([SEND-NEW-MIRROR] [SEND-OLD] §1.4) and
// every wx-server-sdk infrastructure error ([SDK-SRC] ERR_CODE, §1.3) to what Tixing does: retry or not, what happens
// to the reserved grant, the delivery's status and reason, and what the operator is told.
//
// Grant rules: `refund` when WeChat's quota was certainly not consumed (WeChat answered an error before sending);
// `zero` on 43101 (WeChat says the user has no grant: the ledger was wrong or the user unsubscribed);
// `keep` when the message was sent or may have been (timeouts: the request may have reached WeChat).
// Invariants (tested): retryable ⇒ refund (the next attempt reserves again); zero only for 43101; keep ⇒ not retryable.
import type { SendAttempt } from '../ports';

export type GrantEffect = 'keep' | 'refund' | 'zero';

export interface Outcome {
  /** Tixing's reason vocabulary, stored in `Delivery.reason` (and `sent` on success). */
  reason: string;
  meaning: string;
  retryable: boolean;
  grant: GrantEffect;
  /** Final status when the outcome is not retried, or when retries are exhausted. */
  status: 'sent' | 'skipped' | 'failed' | 'unknown';
  /** What the operator is told (logs, admin pages, campaign stats). */
  operator: string;
  /** 43108: never send two messages to one openid at the same time; retry this one later. */
  serialise?: boolean;
  /** A configuration problem: every further send of this invocation fails the same way, so stop the batch. */
  halt?: boolean;
  /**
   * A daily quota is used up (45009, or the environment's own request quota -501003): every send of the day would
   * fail alike, so ALL sending pauses until the quota resets (core/sending/quota.ts); the message consumed nothing
   * and waits, pending, until then.
   */
  quota?: boolean;
  /** 47003/45168: the campaign's data is at fault → quarantine it; 40037/43107: the template is at fault. */
  quarantine?: 'campaign' | 'template';
  /** Source key in docs/platform-facts.md. */
  source: string;
}

type Row = Omit<Outcome, 'status'> & { status?: Outcome['status'] };
const row = (r: Row): Outcome => ({ status: r.grant === 'keep' ? 'unknown' : 'failed', ...r });

const retry = (reason: string, meaning: string, operator: string, source: string, extra: Partial<Row> = {}): Outcome =>
  row({ reason, meaning, retryable: true, grant: 'refund', operator, source, ...extra });
const fail = (reason: string, meaning: string, operator: string, source: string, extra: Partial<Row> = {}): Outcome =>
  row({ reason, meaning, retryable: false, grant: 'refund', operator, source, ...extra });
const ambiguous = (reason: string, meaning: string, source: string): Outcome =>
  row({
    reason,
    meaning,
    retryable: false,
    grant: 'keep',
    operator: 'the request may have reached WeChat: counted as unknown, never retried automatically (no duplicate); the grant stays used',
    source,
  });

const CONFIG_HALT = { halt: true } as const;

/** Keyed by errcode (as a string), plus `timeout` (the adapter's own deadline or a socket timeout). */
export const OUTCOMES: Readonly<Record<string, Outcome>> = {
  '0': row({ reason: 'sent', meaning: 'ok', retryable: false, grant: 'keep', status: 'sent', operator: 'accepted by WeChat (delivery result arrives later as subscribe_msg_sent_event [COMM-ASYNC]); the grant stays used', source: 'SEND-NEW' }),
  // --- WeChat errcodes of subscribeMessage.send ---------------------------------------------------------------
  '40001': retry('invalid_credential', 'access_token invalid or not latest', 'cloud call manages the token; retried. If it persists, check the AppID/environment binding', 'SEND-NEW-MIRROR'),
  '40014': retry('invalid_credential', 'invalid access_token', 'cloud call manages the token; retried. If it persists, check the AppID/environment binding', 'SEND-NEW-MIRROR'),
  '40003': fail('invalid_openid', 'touser openid empty or incorrect', 'the openid does not belong to this mini program; the user record is wrong', 'SEND-OLD'),
  '40037': fail('invalid_template', 'template_id empty or incorrect', 'the template was deleted or the id is wrong: sync the template registry', 'SEND-OLD', { quarantine: 'template' }),
  '41030': fail('invalid_page', 'page path incorrect', 'the page must exist in the released version and in app.json; for trial/developer sends set miniprogramState', 'SEND-OLD'),
  '43101': row({ status: 'skipped', reason: 'no_grant', meaning: 'user has not subscribed / one-time quota used up', retryable: false, grant: 'zero', operator: 'WeChat says the user has no grant: ledger set to 0, never retried; ask the user to subscribe again', source: 'SEND-NEW-MIRROR' }),
  '43107': fail('banned', 'subscription-message ability or this template is banned', 'the account or template is banned: stop sending with it and check the MP console', 'SEND-NEW-MIRROR', { quarantine: 'template' }),
  '43108': retry('concurrent_send', 'concurrent sends to the same user', 'sends to one user must be serialised: retried later, one at a time per openid', 'SEND-NEW-MIRROR', { serialise: true }),
  '45009': retry('daily_quota', 'reach max api daily quota limit', 'the daily API quota is used up: all sending pauses until midnight Beijing time, then resumes by itself; the message waits', 'COMM-45009', { halt: true, quota: true }),
  '45168': fail('sensitive_words', 'hit the sensitive-word filter', 'the message text hits WeChat\'s sensitive-word filter: edit the data', 'SEND-NEW-MIRROR', { quarantine: 'campaign' }),
  '47003': fail('invalid_data', 'data breaks a keyword rule (errmsg names the field)', 'a keyword breaks its rule although it passed validation: the registry copy of the template differs from WeChat\'s — sync templates', 'SEND-NEW-MIRROR', { quarantine: 'campaign' }),
  '48001': fail('api_unauthorized', 'api unauthorized', 'this account may not call subscribeMessage.send (account type / endpoint)', 'COMM-48001'),
  '-1': retry('system_error', 'WeChat system busy', 'WeChat was busy: retried with backoff', 'MMM-MIRROR'),
  // --- wx-server-sdk infrastructure errors ([SDK-SRC] ERR_CODE) -------------------------------------------------
  '-601001': retry('system_error', 'cloud call system error', 'cloud call system error: retried with backoff', 'SDK-SRC'),
  '-601002': fail('invalid_request', 'system args error', 'the request was malformed (a Tixing bug): see the log', 'SDK-SRC'),
  '-601003': retry('network_error', 'system network error', 'network error inside the cloud: retried with backoff', 'SDK-SRC'),
  '-601004': retry('missing_permission', 'api permission denied', 'cloud call permission denied: check config.json permissions.openapi and the account\'s API rights', 'SDK-SRC', CONFIG_HALT),
  '-601008': ambiguous('timeout', 'server-side request timed out', 'SDK-SRC'),
  '-604100': fail('api_not_found', 'API not found', 'the cloud-call API name is wrong (a Tixing bug)', 'SDK-SRC'),
  '-604101': retry('missing_permission', 'function has no permission to call this API', 'add "subscribeMessage.send" to this function\'s config.json permissions.openapi and upload it (cached 10 min); deliveries wait meanwhile', 'OPENAPI-GUIDE', CONFIG_HALT),
  '-604102': ambiguous('timeout', 'call open API timeout', 'SDK-SRC'),
  '-604103': retry('system_error', 'call open API system error', 'cloud call system error: retried with backoff', 'SDK-SRC'),
  '-604104': retry('no_cloud_call_token', 'illegal source of invocation', 'this invocation may not make cloud calls: send from a mini-program-called function or the DevTools-uploaded timer (outbox)', 'SDK-SRC', CONFIG_HALT),
  '-501001': retry('system_error', 'resource system error', 'CloudBase system error: retried with backoff', 'SDK-SRC'),
  '-501002': ambiguous('timeout', 'resource server timeout', 'SDK-SRC'),
  // [CB-QUOTA] EXCEED_REQUEST_LIMIT: the environment's daily API-call quota is used up — the same pause as 45009.
  '-501003': retry('env_quota', 'exceed request limit', 'the environment\'s request quota is used up: all sending pauses until midnight Beijing time, then resumes by itself', 'CB-QUOTA', { halt: true, quota: true }),
  '-501004': retry('rate_limited', 'exceed concurrent request limit', 'CloudBase concurrency limit: retried with backoff', 'SDK-SRC'),
  '-501005': retry('invalid_env', 'invalid env', 'the environment id is wrong: check cloud.init / DYNAMIC_CURRENT_ENV', 'SDK-SRC', CONFIG_HALT),
  '-501006': fail('invalid_request', 'invalid common parameters', 'the request was malformed (a Tixing bug): see the log', 'SDK-SRC'),
  '-501007': retry('no_cloud_call_token', 'missing wxCloudApiToken (invalid parameters)', 'no cloud-call token: a function called by another function, a console run, or a timer not uploaded from DevTools — enqueue to the outbox; deliveries wait', 'CB-WXTOKEN', CONFIG_HALT),
  '-501008': retry('no_cloud_call_token', 'invalid request source', 'this invocation source may not make cloud calls: use the outbox', 'SDK-SRC', CONFIG_HALT),
  '-501009': retry('system_error', 'resource not initialized', 'CloudBase resource not ready: retried with backoff', 'SDK-SRC'),
  // --- no answer in time: the ambiguous case --------------------------------------------------------------------
  timeout: ambiguous('timeout', 'no answer: the deadline passed (SDK socket timeout or the sender\'s own deadline), or the connection closed after the request was sent', 'INIT-DOC'),
};

/** errCode recorded when the sender's own deadline passes: [SDK-SRC] -604102 "call open API timeout". */
export const TIMEOUT_ERRCODE = -604102;

/** Codes not in the table: a WeChat errcode means WeChat refused (refund); an unknown infrastructure code may hide a send. */
export const UNKNOWN_WECHAT: Outcome = fail('unexpected_errcode', 'errcode not in the documented tables', 'WeChat refused with an undocumented errcode: see errMsg', 'SEND-NEW-MIRROR');
export const UNKNOWN_INFRA: Outcome = ambiguous('unexpected_error', 'SDK error not in the ERR_CODE table', 'SDK-SRC');

export function outcomeKey(attempt: SendAttempt): string {
  if (attempt.ok) return '0';
  return attempt.timedOut ? 'timeout' : String(attempt.errCode);
}

export function outcomeOf(attempt: SendAttempt): Outcome {
  const key = outcomeKey(attempt);
  const known = OUTCOMES[key];
  if (known) return known;
  return !attempt.ok && attempt.errCode > 0 ? UNKNOWN_WECHAT : UNKNOWN_INFRA;
}

/** A clear sentence for a failed cloud call other than send (e.g. getTemplateList), naming the permission to add. */
export function describeCloudCallError(api: string, errCode: number, errMsg: string): string {
  if (errCode === -604101 || errCode === -601004) {
    return `cloud call ${api} is not allowed (${errCode}): add "${api}" to this function's config.json permissions.openapi and upload it again`;
  }
  if (errCode === -501007 || errCode === -604104 || errCode === -501008) {
    return `cloud call ${api} has no cloud-call token (${errCode}): call it from the mini program or a DevTools-uploaded timer`;
  }
  const o = OUTCOMES[String(errCode)];
  return `cloud call ${api} failed (${errCode}${o ? `, ${o.meaning}` : ''}): ${errMsg}`;
}
