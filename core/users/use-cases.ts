// Core (pure): the `users` function's use cases — identify, get, import — and its action table.
import { z } from 'zod';
import { action, type ActionTable, type Caller } from '../actions';
import type { UserProfile } from '../campaigns/variables';
import { DomainError } from '../envelope';
import type { Clock } from '../ports';
import { CsvHeaderError, parseUsersCsv, type BadRow } from './csv';
import { callerKind, CLIENT_FIELDS, openidField, patchFields, type ProfilePatch } from './profile';

export interface ProfileStore {
  get(openid: string): Promise<UserProfile | null>;
  /** Applies the patch to one profile (creating it when missing), setting `updatedAt`; idempotent. */
  apply(openid: string, patch: ProfilePatch, now: number): Promise<void>;
}

export interface UsersDeps {
  clock: Clock;
  profiles: ProfileStore;
  /** Whether a mini program caller is on this environment's admin list. */
  isAdmin(caller: Caller): Promise<boolean>;
}

export const identifySchema = z
  .object({ openid: openidField().optional(), ...patchFields })
  .strict()
  .refine((i) => Object.keys(i).some((k) => k !== 'openid'), 'nothing to identify: give nickname, tags, attributes or tz');
export const getSchema = z.object({ openid: openidField().optional() }).strict();
/** One CSV (with its header) per call; the CLI imports larger files row batch by row batch with progress. */
export const MAX_IMPORT_CHARS = 200_000;
export const MAX_IMPORT_ROWS = 1000;
export const importSchema = z.object({ csv: z.string().min(1).max(MAX_IMPORT_CHARS, `at most ${MAX_IMPORT_CHARS} characters per call`) }).strict();

/** A function or an admin may act on any openid; a mini program user only on their own. */
async function privileged(deps: UsersDeps, caller: Caller): Promise<boolean> {
  return callerKind(caller) === 'function' || (await deps.isAdmin(caller));
}

export async function identify(deps: UsersDeps, input: z.infer<typeof identifySchema>, caller: Caller): Promise<{ openid: string; profile: UserProfile | null }> {
  const { openid: target, ...patch } = input;
  let openid: string;
  if (await privileged(deps, caller)) {
    const o = target ?? caller.openid;
    if (!o) throw new DomainError('INVALID_INPUT', 'identify from a function needs openid (no mini program user started this call)');
    openid = o;
  } else {
    if (!caller.openid) throw new DomainError('UNAUTHENTICATED', 'this action needs a mini program user');
    if (target !== undefined && target !== caller.openid) throw new DomainError('FORBIDDEN', 'a mini program user can identify only themselves');
    const refused = Object.keys(patch).filter((k) => !(CLIENT_FIELDS as readonly string[]).includes(k));
    if (refused.length > 0) {
      throw new DomainError('FORBIDDEN', `only ${CLIENT_FIELDS.join(' and ')} can be set from the mini program; ${refused.join(', ')} are set by your functions`, { fields: refused });
    }
    openid = caller.openid;
  }
  await deps.profiles.apply(openid, patch, deps.clock.now());
  return { openid, profile: await deps.profiles.get(openid) };
}

export async function getProfile(deps: UsersDeps, input: z.infer<typeof getSchema>, caller: Caller): Promise<{ profile: UserProfile | null }> {
  const openid = input.openid ?? caller.openid;
  if (!openid) throw new DomainError('INVALID_INPUT', 'get from a function needs openid');
  if (openid !== caller.openid && !(await privileged(deps, caller))) throw new DomainError('FORBIDDEN', 'a mini program user can read only their own profile');
  return { profile: await deps.profiles.get(openid) };
}

export interface ImportResult {
  imported: number;
  bad: BadRow[];
}

/** Writes good rows one by one (each write idempotent: a retried import writes the same values). */
export async function importRows(store: ProfileStore, rows: readonly { openid: string; patch: ProfilePatch }[], now: number, onRow?: (done: number) => void): Promise<number> {
  let done = 0;
  for (const r of rows) {
    await store.apply(r.openid, r.patch, now);
    done += 1;
    onRow?.(done);
  }
  return done;
}

export async function importCsv(deps: UsersDeps, input: z.infer<typeof importSchema>, caller: Caller): Promise<ImportResult> {
  if (!(await privileged(deps, caller))) throw new DomainError('FORBIDDEN', 'action import is for admins only');
  let parsed;
  try {
    parsed = parseUsersCsv(input.csv);
  } catch (err) {
    if (err instanceof CsvHeaderError) throw new DomainError('INVALID_INPUT', `CSV header: ${err.message}`);
    throw err;
  }
  if (parsed.rows.length + parsed.bad.length > MAX_IMPORT_ROWS) {
    throw new DomainError('INVALID_INPUT', `at most ${MAX_IMPORT_ROWS} rows per call; use npm run tixing -- users import for larger files`);
  }
  const imported = await importRows(deps.profiles, parsed.rows, deps.clock.now());
  return { imported, bad: parsed.bad };
}

export const usersActions: ActionTable<UsersDeps> = {
  // needsUser false: the team's functions call from timers too (no OPENID); the use cases check the caller kind.
  identify: action({ schema: identifySchema, needsUser: false, run: (d, i: z.infer<typeof identifySchema>, c) => identify(d, i, c) }),
  get: action({ schema: getSchema, needsUser: false, run: (d, i: z.infer<typeof getSchema>, c) => getProfile(d, i, c) }),
  import: action({ schema: importSchema, needsUser: false, maxInputChars: MAX_IMPORT_CHARS + 1_000, run: (d, i: z.infer<typeof importSchema>, c) => importCsv(d, i, c) }),
};
