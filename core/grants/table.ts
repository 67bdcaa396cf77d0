// Core (grants): the `subscriptions` action table — schemas of every client action and the use case it runs.
import { z } from 'zod';
import { action, ActionTable, Caller } from '../actions';
import { DomainError } from '../envelope';
import { str, templateId } from '../schema';
import { exportHistory, HISTORY_PAGE_MAX, readHistory, type ConsentQueries } from './history';
import { deleteMyData, revoke, syncSettings } from './manage';
import type { GrantsDeps } from './ports';

/** The subscriptions function's dependencies: the grants use cases plus the consent history queries. */
export type SubscriptionsDeps = GrantsDeps & { history: ConsentQueries };
import { recordTap } from './record';
import { grantViews } from './views';

/** needsUser (the default) guarantees an openid; this narrows the type. */
export function userOf(caller: Caller): string {
  if (!caller.openid) throw new DomainError('UNAUTHENTICATED', 'this action needs a mini program user');
  return caller.openid;
}

const requestId = () => z.string().min(8).max(64).regex(/^[A-Za-z0-9_\-.:]+$/, 'must be 8–64 letters, digits, _ - . :');
/** A purpose a grant unit is held for: `order:123`, `reminder:evt-1` (letters, digits, _ - . :). */
export const purposeSchema = () => z.string().min(1).max(64).regex(/^[A-Za-z0-9_\-.:]+$/, 'must be 1–64 letters, digits, _ - . :');
const statusText = () => z.string().min(1).max(32);
const boundedRecord = <V extends z.ZodTypeAny>(value: V, max: number) =>
  z.record(z.string().min(1).max(128), value).refine((r) => Object.keys(r).length <= max, `at most ${max} entries`);

export function recordSchema(maxTemplates: number) {
  return z
    .object({
      requestId: requestId(),
      placement: z.object({ page: str(64), button: str(32) }).strict(),
      tmplIds: z.array(templateId()).min(1).max(maxTemplates),
      // The raw success result may carry `errMsg: 'requestSubscribeMessage:ok'` beside the ids ([RSM-CNBLOGS]).
      result: boundedRecord(statusText(), maxTemplates + 5).optional(),
      error: z.object({ errCode: z.number().int(), errMsg: str(256) }).strict().optional(),
      // What the tap was asked for (e.g. `order:123`): an accepted one-time grant is held for it (core/grants/holds.ts).
      purpose: purposeSchema().optional(),
    })
    .strict();
}

const historyPage = {
  /** The `next` of the previous page. */
  cursor: z.string().min(3).max(160).regex(/^\d{1,16}:[A-Za-z0-9_\-.:]+$/, 'must be a `next` value of an earlier answer').optional(),
  limit: z.number().int().min(1).max(HISTORY_PAGE_MAX).optional(),
};
const openidField = () => z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'must be an openid');

export function subscriptionsTable(limits: GrantsDeps['limits']): ActionTable<SubscriptionsDeps> {
  return {
    record: action({
      schema: recordSchema(limits.maxTemplatesPerRequest),
      run: (deps: GrantsDeps, input, caller) => recordTap(deps, userOf(caller), input),
    }),
    list: action({
      schema: z.object({}).strict(),
      run: (deps: GrantsDeps, _input, caller) => grantViews(deps, userOf(caller)),
    }),
    syncSettings: action({
      schema: z.object({ mainSwitch: z.boolean(), itemSettings: boundedRecord(statusText(), 100) }).strict(),
      run: (deps: GrantsDeps, input, caller) => syncSettings(deps, userOf(caller), input),
    }),
    revoke: action({
      schema: z.object({ templateId: templateId() }).strict(),
      run: (deps: GrantsDeps, input, caller) => revoke(deps, userOf(caller), input.templateId),
    }),
    deleteMyData: action({
      schema: z.object({ confirm: z.literal(true) }).strict(),
      run: (deps: GrantsDeps, _input, caller) => deleteMyData(deps, userOf(caller)),
    }),
    /** My consent history, newest first (我的订阅 → 授权记录). */
    history: action({
      schema: z.object(historyPage).strict(),
      run: (deps: SubscriptionsDeps, input, caller) => readHistory(deps, userOf(caller), input),
    }),
    /** My whole consent history as CSV. */
    exportHistory: action({
      schema: z.object({}).strict(),
      run: (deps: SubscriptionsDeps, _input, caller) => exportHistory(deps, userOf(caller)),
    }),
    /** Any user's consent history (admins). */
    userHistory: action({
      admin: true,
      schema: z.object({ openid: openidField(), ...historyPage }).strict(),
      run: (deps: SubscriptionsDeps, input) => readHistory(deps, input.openid, input),
    }),
    /** Any user's consent history as CSV (admins). */
    exportUserHistory: action({
      admin: true,
      schema: z.object({ openid: openidField() }).strict(),
      run: (deps: SubscriptionsDeps, input) => exportHistory(deps, input.openid),
    }),
  };
}
