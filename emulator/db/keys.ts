// Emulator layer (db): index keys. Scalar values get a rank and a comparable value that order exactly as mingo 7's
// `compare` orders them (null < numbers < strings < booleans < dates, util/_internal.js SORT_ORDER), so an index
// range is a contiguous run of a sorted array; anything else (arrays, objects, NaN, BSON values) is "odd".
import type { Doc } from '../contracts';
import { isPlainObject } from './ejson';

/** A scalar index key: rank (mingo's type order) and value (a Date as its time, null for null/missing). */
export interface Key {
  r: number;
  x: number | string | boolean | null;
}

export const NULL_KEY: Key = { r: 2, x: null };
/** What valueAt returns for a path that crosses an array (mingo would look inside it): never indexed as a scalar. */
export const ODD = Symbol('odd');

/** The key of a scalar; undefined for values an index cannot order (arrays, objects, NaN, invalid dates, BSON types). */
export function keyOf(v: unknown): Key | undefined {
  if (v === null || v === undefined) return NULL_KEY;
  switch (typeof v) {
    case 'number':
      return Number.isNaN(v) ? undefined : { r: 3, x: v === 0 ? 0 : v };
    case 'string':
      return { r: 4, x: v };
    case 'boolean':
      return { r: 9, x: v };
    default:
      if (v instanceof Date) {
        const t = v.getTime();
        return Number.isNaN(t) ? undefined : { r: 10, x: t };
      }
      return undefined;
  }
}

/** The hash-bucket name of a key: values mingo's `$eq` holds equal (isEqual, or both nil) share a bucket. */
export function bucketName(k: Key): string {
  return `${k.r}:${String(k.x)}`;
}

export function cmpKey(a: Key, b: Key): number {
  if (a.r !== b.r) return a.r < b.r ? -1 : 1;
  const x = a.x as number | string;
  const y = b.x as number | string;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The value at a (dotted) path: undefined when missing, ODD when the path crosses an array. */
export function valueAt(doc: Doc, path: string): unknown {
  if (!path.includes('.')) return doc[path];
  let cur: unknown = doc;
  for (const seg of path.split('.')) {
    if (Array.isArray(cur)) return ODD;
    if (!isPlainObject(cur)) return undefined;
    cur = cur[seg];
  }
  return cur;
}
