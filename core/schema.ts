// Core: schema helpers for untrusted client events (zod). Strings are bounded, keys may not start with `$`.
import { z } from 'zod';

/** Longest string any client field may carry unless a schema says otherwise. */
export const MAX_STRING = 512;

export const str = (max = MAX_STRING) => z.string().max(max);
export const id = () => z.string().min(1).max(128).regex(/^[A-Za-z0-9_\-.:]+$/, 'must be an id: letters, digits, _ - . :');
export const templateId = () => z.string().min(1).max(128).regex(/^[A-Za-z0-9_\-]+$/, 'must be a template id');

/** Deepest nesting any client event may have (objects and arrays). */
export const MAX_DEPTH = 32;
/** Default size budget of one client event: characters of keys and strings, plus one per value. */
export const MAX_INPUT_CHARS = 64 * 1024;

export type InputDefect =
  | { code: 'TOO_LARGE'; message: string }
  | { code: 'TOO_DEEP'; message: string }
  | { code: 'INVALID_INPUT'; message: string };

/**
 * One cheap walk over an untrusted event, before any schema runs: refuses it at the first defect found — over the
 * size budget (keys + strings + one per value, so 200k tiny keys count too), nested deeper than MAX_DEPTH, or an
 * object key beginning with `$` (a smuggled database operator). Never echoes the input.
 */
export function inspectInput(value: unknown, maxChars = MAX_INPUT_CHARS): InputDefect | null {
  let budget = maxChars;
  const tooLarge = (): InputDefect => ({ code: 'TOO_LARGE', message: `the event is larger than ${maxChars} characters` });
  const walk = (v: unknown, depth: number): InputDefect | null => {
    budget -= 1;
    if (typeof v === 'string') budget -= v.length;
    if (budget < 0) return tooLarge();
    if (v === null || typeof v !== 'object') return null;
    if (depth >= MAX_DEPTH) return { code: 'TOO_DEEP', message: `the event is nested deeper than ${MAX_DEPTH} levels` };
    if (Array.isArray(v)) {
      for (const item of v) {
        const d = walk(item, depth + 1);
        if (d) return d;
      }
      return null;
    }
    for (const k in v) {
      if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
      budget -= k.length;
      if (budget < 0) return tooLarge();
      if (k.startsWith('$')) return { code: 'INVALID_INPUT', message: 'keys starting with "$" are not allowed' };
      const d = walk((v as Record<string, unknown>)[k], depth + 1);
      if (d) return d;
    }
    return null;
  };
  return walk(value, 0);
}

/**
 * True when a value (deeply) holds an object key beginning with `$`, nests deeper than MAX_DEPTH or is over the size
 * budget. Kept for callers written before inspectInput; prefer inspectInput, whose code says which defect it is.
 */
export function hasDollarKey(value: unknown): boolean {
  return inspectInput(value) !== null;
}

/** A name from untrusted input, safe to put in an answer: at most `max` characters, JSON-quoted. */
export function quoteShort(value: unknown, max = 40): string {
  if (typeof value !== 'string') return value === undefined ? 'undefined' : typeof value;
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}

/** At most this many issues, each path and message capped, go back to a client. */
export const MAX_ISSUES = 10;

export type Issue = { path: string; message: string };

/** Formats zod issues as `path: message` pairs a client can show or log. */
export function describeIssues(error: z.ZodError): Issue[] {
  const cap = (t: string, n: number) => (t.length > n ? `${t.slice(0, n)}…` : t);
  const out = error.issues
    .slice(0, MAX_ISSUES)
    .map((i) => ({ path: cap(i.path.map(String).join('.') || '(root)', 80), message: cap(i.message, 160) }));
  if (error.issues.length > MAX_ISSUES) out.push({ path: '(more)', message: `${error.issues.length - MAX_ISSUES} more issues` });
  return out;
}

/** The unknown keys zod found at the top level of an object schema (`unrecognized_keys` at path []). */
export function unknownTopLevelKeys(error: z.ZodError): string[] {
  return error.issues.flatMap((i) => (i.code === 'unrecognized_keys' && i.path.length === 0 ? i.keys : []));
}
