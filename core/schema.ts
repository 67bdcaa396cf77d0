// Core: schema helpers for untrusted client events (zod). Strings are bounded, keys may not start with `$`.
import { z } from 'zod';

/** Longest string any client field may carry unless a schema says otherwise. */
export const MAX_STRING = 512;

export const str = (max = MAX_STRING) => z.string().max(max);
export const id = () => z.string().min(1).max(128).regex(/^[A-Za-z0-9_\-.:]+$/, 'must be an id: letters, digits, _ - . :');
export const templateId = () => z.string().min(1).max(128).regex(/^[A-Za-z0-9_\-]+$/, 'must be a template id');

/** True when a value (deeply) holds an object key beginning with `$` (a smuggled database operator). */
export function hasDollarKey(value: unknown, depth = 0): boolean {
  if (depth > 32) return true;
  if (Array.isArray(value)) return value.some((v) => hasDollarKey(v, depth + 1));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).some(
      ([k, v]) => k.startsWith('$') || hasDollarKey(v, depth + 1),
    );
  }
  return false;
}

export type Issue = { path: string; message: string };

/** Formats zod issues as `path: message` pairs a client can show or log. */
export function describeIssues(error: z.ZodError): Issue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
}
