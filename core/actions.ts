// Core: routes a mini-program event `{ action, ...payload }` to a use case, validating it first.
// Pure: the caller identity is passed in (adapters take it from getWXContext(), never from the event).
import { z } from 'zod';
import { DomainError, Envelope, fail, ok } from './envelope';
import { describeIssues, hasDollarKey } from './schema';

export interface Caller {
  /** From getWXContext().OPENID; absent for timer and console invocations. */
  openid?: string;
  appid?: string;
  /** getWXContext().SOURCE, e.g. `wx_client`, `wx_trigger`, `wx_client,scf`. */
  source: string;
}

export interface ActionSpec<D, S extends z.ZodTypeAny, R> {
  schema: S;
  /** Requires an OPENID (default true). */
  needsUser?: boolean;
  /** Caller must be on the admin list (checked through `isAdmin`). */
  admin?: boolean;
  run: (deps: D, input: z.infer<S>, caller: Caller) => Promise<R>;
}

export type ActionTable<D> = Record<string, ActionSpec<D, z.ZodTypeAny, unknown>>;

/** Helper for type inference when declaring a table entry. */
export const action = <D, S extends z.ZodTypeAny, R>(spec: ActionSpec<D, S, R>): ActionSpec<D, S, R> => spec;

export interface DispatchOptions<D> {
  isAdmin?: (deps: D, caller: Caller) => Promise<boolean>;
  onError?: (err: unknown) => void;
}

/** Fields the platform adds to every mini-program event; they are not client input. */
const PLATFORM_FIELDS = ['userInfo'];

export async function dispatchAction<D>(
  table: ActionTable<D>,
  deps: D,
  event: unknown,
  caller: Caller,
  options: DispatchOptions<D> = {},
): Promise<Envelope<unknown>> {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    return fail('INVALID_INPUT', 'event must be an object { action, ... }');
  }
  const raw: Record<string, unknown> = { ...(event as Record<string, unknown>) };
  for (const f of PLATFORM_FIELDS) delete raw[f];
  const name = raw.action;
  delete raw.action;
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(table, name)) {
    return fail('UNKNOWN_ACTION', `unknown action ${JSON.stringify(name)}; expected one of ${Object.keys(table).join(', ')}`);
  }
  const spec = table[name]!;
  if (hasDollarKey(raw)) return fail('INVALID_INPUT', 'keys starting with "$" are not allowed');
  if ((spec.needsUser ?? true) && !caller.openid) return fail('UNAUTHENTICATED', 'this action needs a mini program user');
  if (spec.admin) {
    const allowed = options.isAdmin ? await options.isAdmin(deps, caller) : false;
    if (!allowed) return fail('FORBIDDEN', `action ${name} is for admins only`);
  }
  const parsed = spec.schema.safeParse(raw);
  if (!parsed.success) return fail('INVALID_INPUT', `invalid ${name} input`, describeIssues(parsed.error));
  try {
    return ok(await spec.run(deps, parsed.data, caller));
  } catch (err) {
    if (err instanceof DomainError) return fail(err.code, err.message, err.details);
    options.onError?.(err);
    return fail('INTERNAL', 'internal error');
  }
}
