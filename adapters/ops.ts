// Adapters: operations state on cloud.database() and the alerts webhook (OpsStore, AlertSink of core/dispatch/ops.ts),
// plus the app-wide rules and alert settings read from config/tixing.json — or, without rebuilding, from the
// function's environment variables TIXING_RULES (JSON of `rules`) and TIXING_ALERTS_WEBHOOK.
//
// One state document, `ops_state/dispatch`: every dispatcher run reads it once (quota pause, alert retries, when the
// janitor's housekeeping — the consent retention purge — last ran).
// Alerts: one document per cause in `alerts` (`_id` = the cause), created with a create-if-absent insert BEFORE the
// post, so a cause is posted once however many runs see it; a failed post is retried with backoff (at most
// MAX_ATTEMPTS, each claimed by a conditional update first), never in a storm.
import http from 'node:http';
import https from 'node:https';
import { z } from 'zod';
import { frequencyCapSchema, quietHoursSchema } from '../core/campaigns/schema';
import type { Alert, AlertSink, AppRules, OpsState, OpsStore } from '../core/dispatch/ops';
import { DEFAULT_DEFER_EXPIRY_HOURS } from '../core/dispatch/rules';
import { appConfig } from './runtime';
import { db, type Doc } from './db';
import { dbErrorKind, orIfMissing } from './db-errors';
import { ensureCollection } from './stores/queue-util';
import { purgeExpiredConsentPage } from './stores/consent-log';

export const OPS_STATE = 'ops_state';
export const OPS_DOC = 'dispatch';
export const ALERTS = 'alerts';
const MAX_ATTEMPTS = 8;
const FIRST_RETRY_MS = 2 * 60_000;
const POST_TIMEOUT_MS = 3000;
/** Consent history entries the janitor removes in one run at most (two requests: ids, then remove by id). */
export const HOUSEKEEPING_PAGE = 1000;

const rulesSchema = z
  .object({
    $comment: z.string().optional(),
    quietHours: quietHoursSchema.nullable().optional(),
    frequencyCap: frequencyCapSchema.nullable().optional(),
    deferExpiryHours: z.number().min(1).max(24 * 30).optional(),
  })
  .strict();

/** App-wide rules: TIXING_RULES (JSON) if set, else config/tixing.json `rules`. A malformed value throws, naming it. */
export function readRules(env: NodeJS.ProcessEnv = process.env, raw: unknown = appConfig().rules): AppRules {
  const text = env.TIXING_RULES;
  const source = text ? (JSON.parse(text) as unknown) : (raw ?? {});
  const parsed = rulesSchema.safeParse(source);
  if (!parsed.success) throw new Error(`${text ? 'TIXING_RULES' : 'config/tixing.json rules'}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const r = parsed.data;
  const zone = appConfig().zone;
  return {
    zone,
    deferExpiryHours: r.deferExpiryHours ?? DEFAULT_DEFER_EXPIRY_HOURS,
    ...(r.quietHours ? { quietHours: r.quietHours } : {}),
    ...(r.frequencyCap ? { frequencyCap: r.frequencyCap } : {}),
  };
}

export interface AlertConfig {
  webhook: string;
  format: 'wecom' | 'json';
  ambiguousRate: number;
  ambiguousMinSends: number;
  stuckMinutes: number;
}

export function readAlertConfig(env: NodeJS.ProcessEnv = process.env): AlertConfig {
  const a = (appConfig().alerts ?? {}) as Partial<AlertConfig>;
  return {
    webhook: env.TIXING_ALERTS_WEBHOOK ?? a.webhook ?? '',
    format: a.format === 'json' ? 'json' : 'wecom',
    ambiguousRate: typeof a.ambiguousRate === 'number' ? a.ambiguousRate : 0.05,
    ambiguousMinSends: typeof a.ambiguousMinSends === 'number' ? a.ambiguousMinSends : 20,
    stuckMinutes: typeof a.stuckMinutes === 'number' ? a.stuckMinutes : 30,
  };
}

export function createOpsStore(): OpsStore {
  const doc = () => db().collection(OPS_STATE).doc(OPS_DOC);
  return {
    async read() {
      const res = await orIfMissing(() => doc().get(), { data: null });
      return (res.data ?? {}) as OpsState;
    },
    async pauseForQuota(until, errCode, now) {
      await upsertState({ quotaPausedUntil: until, quotaErrCode: errCode, quotaSince: now }, 'quotaPausedUntil', until, 'later');
    },
    async housekeep(now) {
      const r = await purgeExpiredConsentPage(now, HOUSEKEEPING_PAGE);
      if (r.removed > 0) console.log(`janitor: ${r.removed} consent history entries past the retention removed${r.more ? ' (more left)' : ''}`);
      if (!r.more) await upsertState({ housekeptAt: now }, 'housekeptAt', now, 'later');
      return r;
    },
  };
}

/**
 * Sets `fields` on the state document, creating it if absent; `guard` keeps an existing value of `key` when it is
 * already later (`later`) or earlier (`earlier`) than `value` — runs racing write the right answer in any order.
 */
async function upsertState(fields: Doc, key: string, value: number, keep: 'later' | 'earlier'): Promise<void> {
  const coll = () => db().collection(OPS_STATE);
  try {
    await ensureCollection(OPS_STATE, () => coll().add({ data: { _id: OPS_DOC, ...fields } }));
    return;
  } catch (err) {
    if (dbErrorKind(err) !== 'duplicate') throw err;
  }
  const _ = db().command;
  const better = keep === 'later' ? _.lt(value) : _.gt(value);
  await coll()
    .where(_.and([{ _id: OPS_DOC }, _.or([{ [key]: better }, { [key]: _.exists(false) }])]) as unknown as Doc)
    .update({ data: fields });
}

/** At most `max` bytes of UTF-8, cut on a character boundary. */
function utf8Prefix(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  let out = '';
  for (const ch of text) {
    if (Buffer.byteLength(out + ch) > max) break;
    out += ch;
  }
  return out;
}

/**
 * The body a WeCom group robot takes ([WECOM-ROBOT]: msgtype text, text.content at most 2048 bytes of UTF-8), or a
 * plain JSON alert for any other URL.
 */
export function alertBody(a: Alert, format: AlertConfig['format']): string {
  if (format === 'json') return JSON.stringify({ cause: a.cause, text: a.text });
  return JSON.stringify({ msgtype: 'text', text: { content: utf8Prefix(`【提醒 Tixing】${a.text}`, 2048) } });
}

/** One POST; true on a 2xx answer whose JSON (if any) does not carry a non-zero `errcode` (WeCom answers errcode 0). */
export function postJson(url: string, body: string, timeoutMs = POST_TIMEOUT_MS): Promise<boolean> {
  return new Promise((resolve) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      resolve(false);
      return;
    }
    const lib = u.protocol === 'https:' ? https : http;
    const req = lib.request(u, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (!res.statusCode || res.statusCode < 200 || res.statusCode >= 300) return resolve(false);
        try {
          const j = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { errcode?: unknown };
          resolve(j.errcode === undefined || j.errcode === 0);
        } catch {
          resolve(true);
        }
      });
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end(body);
  });
}

export function createAlertSink(config: AlertConfig = readAlertConfig(), log: (line: string) => void = console.log): AlertSink {
  const coll = () => db().collection(ALERTS);
  // Causes this warm container already recorded: no write at all for them (a 41030 on every delivery of a campaign).
  const told = new Set<string>();

  const deliver = async (a: Alert, attempts: number, now: number): Promise<void> => {
    if (!config.webhook) {
      await coll().doc(a.cause).update({ data: { status: 'recorded', updatedAt: now } });
      return;
    }
    const ok = await postJson(config.webhook, alertBody(a, config.format));
    if (ok) {
      await coll().doc(a.cause).update({ data: { status: 'sent', sentAt: now, attempts: attempts + 1, updatedAt: now } });
      log(`alert ${a.cause} posted`);
      return;
    }
    const final = attempts + 1 >= MAX_ATTEMPTS;
    const next = now + FIRST_RETRY_MS * 2 ** attempts;
    await coll().doc(a.cause).update({ data: { status: final ? 'failed' : 'pending', attempts: attempts + 1, nextAttemptAt: next, updatedAt: now } });
    if (!final) await upsertState({ alertRetryAt: next }, 'alertRetryAt', next, 'earlier');
    log(`alert ${a.cause}: webhook post failed (attempt ${attempts + 1}${final ? ', giving up' : ''})`);
  };

  return {
    ambiguousRate: config.ambiguousRate,
    ambiguousMinSends: config.ambiguousMinSends,
    stuckMs: config.stuckMinutes * 60_000,
    async raise(alerts, now) {
      for (const a of alerts) {
        if (told.has(a.cause)) continue;
        // Create-if-absent BEFORE posting: of all the runs that see this cause, only the one that created it posts.
        // Until the post is settled the document is `pending` with a retry time, so a run that dies here is caught up.
        const doc = { _id: a.cause, cause: a.cause, text: a.text, status: 'pending', attempts: 0, nextAttemptAt: now + FIRST_RETRY_MS, createdAt: now, updatedAt: now };
        let created = false;
        try {
          await ensureCollection(ALERTS, () => coll().add({ data: doc }));
          created = true;
        } catch (err) {
          if (dbErrorKind(err) !== 'duplicate') throw err;
        }
        told.add(a.cause);
        if (!created) continue;
        if (config.webhook) await upsertState({ alertRetryAt: doc.nextAttemptAt }, 'alertRetryAt', doc.nextAttemptAt, 'earlier');
        await deliver(a, 0, now);
      }
    },
    async retry(now) {
      const _ = db().command;
      const due = await orIfMissing(() => coll().where({ status: 'pending', nextAttemptAt: _.lte(now) }).limit(20).get(), { data: [] as Doc[] });
      for (const d of due.data) {
        const id = String(d._id);
        const attempts = Number(d.attempts ?? 0);
        // Claim the retry (conditional on the time we read): two runs never post the same alert twice.
        const claim = await coll().where({ _id: id, status: 'pending', nextAttemptAt: d.nextAttemptAt }).update({ data: { nextAttemptAt: now + FIRST_RETRY_MS * 2 ** attempts } });
        if (claim.stats.updated === 0) continue;
        await deliver({ cause: id, text: String(d.text ?? '') }, attempts, now);
      }
      // The next retry time: the earliest pending one, or none.
      const left = await coll().where({ status: 'pending' }).orderBy('nextAttemptAt', 'asc').limit(1).field({ nextAttemptAt: true }).get();
      const next = left.data[0]?.nextAttemptAt;
      await db().collection(OPS_STATE).doc(OPS_DOC).update({ data: { alertRetryAt: typeof next === 'number' ? next : _.remove() } });
    },
  };
}
