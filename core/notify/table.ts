// Core (notify): the `notify` action table — send / status / cancel — with its schemas. Every action first checks the
// caller (a cloud function of the team, or an admin), then validates; nothing is written for refused input.
import { z } from 'zod';
import { action, dispatchAction, type ActionTable, type Caller } from '../actions';
import { DomainError, fail, type Envelope } from '../envelope';
import { PAGE } from '../campaigns/validate';
import { purposeSchema } from '../grants/table';
import { templateId } from '../schema';
import type { NotifyDeps } from './ports';
import { assertNotifyCaller, cancelNotify, notifyStatus, sendNotify } from './use-cases';

/** The caller's idempotency key: 1–64 letters, digits, _ - . : (it goes into delivery ids). */
export const notifyKey = () => z.string().min(1).max(64).regex(/^[A-Za-z0-9_\-.:]+$/, 'must be 1–64 letters, digits, _ - . :');
const openid = () => z.string().min(1).max(64).regex(/^[A-Za-z0-9_\-]+$/, 'must be an openid');
/** At most 1,000 recipients per request: `status` and `cancel` read them back in one server-side get [LIMIT-DOC]. */
export const MAX_RECIPIENTS = 1000;

export const sendSchema = z
  .object({
    key: notifyKey(),
    to: z.union([openid(), z.array(openid()).min(1).max(MAX_RECIPIENTS)]),
    templateId: templateId(),
    data: z.record(z.string().min(1).max(64), z.string().max(256)).refine((r) => Object.keys(r).length >= 1 && Object.keys(r).length <= 20, '1–20 keys'),
    page: z.string().max(256).regex(PAGE, 'must be a mini program page path with an optional query').optional(),
    sendAt: z
      .union([
        z.number().int().positive(),
        z.string().max(40).refine((s) => Number.isFinite(Date.parse(s)) && /[zZ]|[+-]\d\d:?\d\d$/.test(s), 'an ISO instant with its offset'),
        z.object({ local: z.string().max(16), zone: z.string().max(64) }).strict(),
      ])
      .optional(),
    purpose: purposeSchema().optional(),
    normalise: z.boolean().optional(),
  })
  .strict();

const keyOnly = z.object({ key: notifyKey() }).strict();

export const notifyTable: ActionTable<NotifyDeps> = {
  send: action({ schema: sendSchema, needsUser: false, run: (d: NotifyDeps, i: z.infer<typeof sendSchema>) => sendNotify(d, i) }),
  status: action({ schema: keyOnly, needsUser: false, run: (d: NotifyDeps, i: z.infer<typeof keyOnly>) => notifyStatus(d, i.key) }),
  cancel: action({ schema: keyOnly, needsUser: false, run: (d: NotifyDeps, i: z.infer<typeof keyOnly>) => cancelNotify(d, i.key) }),
};

/** The function's whole answer: the caller is checked before anything else (a refused caller learns nothing more). */
export async function handleNotify(deps: NotifyDeps, event: unknown, caller: Caller, onError?: (err: unknown) => void): Promise<Envelope<unknown>> {
  try {
    await assertNotifyCaller(deps, caller);
  } catch (err) {
    if (err instanceof DomainError) return fail(err.code, err.message);
    throw err;
  }
  return dispatchAction(notifyTable, deps, event, caller, onError ? { onError } : {});
}
