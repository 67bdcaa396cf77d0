// Core: routes a mini-program event `{ action, ...payload }` to a use case, validating it first.
// Pure: the caller identity is passed in (adapters take it from getWXContext(), never from the event).
import { z } from 'zod';
import { DomainError, Envelope, fail, ok } from './envelope';
import { describeIssues, inspectInput, MAX_INPUT_CHARS, quoteShort, unknownTopLevelKeys } from './schema';

export interface Caller {
  /** From getWXContext().OPENID; absent for timer and console invocations. */
  openid?: string;
  appid?: string;
  /** getWXContext().SOURCE, e.g. `wx_client`, `wx_trigger`, `wx_client,scf`. */
  source: string;
}

/**
 * The one rule for "called by another cloud function of this environment": [WXCTX] SOURCE is chained with commas and
 * `scf` in the chain means another function started this invocation (e.g. `wx_client,scf`). Only the platform sets
 * SOURCE (getWXContext reads the invocation's environment, never the event), so a mini program cannot pass as a
 * function. Such a call carries no cloud-call token ([CB-WXTOKEN]): it can queue a message but not send one.
 */
export function calledByFunction(caller: Pick<Caller, 'source'>): boolean {
  return caller.source.split(',').map((s) => s.trim()).includes('scf');
}

export interface ActionSpec<D, S extends z.ZodTypeAny, R> {
  schema: S;
  /** Requires an OPENID (default true). */
  needsUser?: boolean;
  /** Caller must be on the admin list (checked through `isAdmin`). */
  admin?: boolean;
  /** Size budget of this action's event (core/schema.ts inspectInput); default MAX_INPUT_CHARS. */
  maxInputChars?: number;
  run: (deps: D, input: z.infer<S>, caller: Caller) => Promise<R>;
}

export type ActionTable<D> = Record<string, ActionSpec<D, z.ZodTypeAny, unknown>>;

/** Helper for type inference when declaring a table entry. */
export const action = <D, S extends z.ZodTypeAny, R>(spec: ActionSpec<D, S, R>): ActionSpec<D, S, R> => spec;

export interface DispatchOptions<D> {
  isAdmin?: (deps: D, caller: Caller) => Promise<boolean>;
  onError?: (err: unknown) => void;
  /** The action of an event without `action` (functions with one action, e.g. `hello`, `setup`). */
  defaultAction?: string;
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
  // Validated before anything reads or copies it: a string, array or null event never gets spread.
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    return fail('INVALID_INPUT', `the event must be an object { action, ... }, not ${event === null ? 'null' : Array.isArray(event) ? 'an array' : typeof event}`);
  }
  const actions = Object.keys(table).join(', ');
  const given = Object.prototype.hasOwnProperty.call(event, 'action') ? (event as { action?: unknown }).action : undefined;
  const name = given === undefined ? options.defaultAction : given;
  if (name === undefined) return fail('MISSING_ACTION', `the event has no "action"; expected one of ${actions}`);
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(table, name)) {
    // The name is quoted at most 40 characters long: an answer never echoes input at length.
    return fail('UNKNOWN_ACTION', `unknown action ${quoteShort(name)}; expected one of ${actions}`);
  }
  const spec = table[name]!;
  // The size/depth/$-key walk runs on the event as received, before anything copies it.
  const defect = inspectInput(event, spec.maxInputChars ?? MAX_INPUT_CHARS);
  if (defect) return fail(defect.code, defect.message);
  const raw: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(event)) if (k !== 'action' && !PLATFORM_FIELDS.includes(k)) raw[k] = v;
  if ((spec.needsUser ?? true) && !caller.openid) return fail('UNAUTHENTICATED', 'this action needs a mini program user');
  if (spec.admin) {
    const allowed = options.isAdmin ? await options.isAdmin(deps, caller) : false;
    if (!allowed) return fail('FORBIDDEN', `action ${name} is for admins only`);
  }
  const parsed = spec.schema.safeParse(raw);
  if (!parsed.success) {
    const unknown = unknownTopLevelKeys(parsed.error);
    if (unknown.length > 0) {
      const named = unknown.slice(0, 5).map((k) => quoteShort(k)).join(', ') + (unknown.length > 5 ? ` and ${unknown.length - 5} more` : '');
      return fail('UNKNOWN_FIELD', `${name} does not take ${named}`, { fields: unknown.slice(0, 5).map((k) => k.slice(0, 40)), count: unknown.length });
    }
    return fail('INVALID_INPUT', `invalid ${name} input`, describeIssues(parsed.error));
  }
  try {
    return ok(await spec.run(deps, parsed.data, caller));
  } catch (err) {
    if (err instanceof DomainError) return fail(err.code, err.message, err.details);
    options.onError?.(err);
    return fail('INTERNAL', 'internal error');
  }
}
