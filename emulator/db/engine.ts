// Emulator layer (db): query evaluation with mingo 7 (MongoDB semantics): filter, sort, skip, limit, projection.
import { Query, find } from './mingo';
import type { Doc } from '../contracts';
import { invalidParam, toAdminError } from './errors';
import { isPlainObject } from './ejson';
import { nearOf, sortByNear } from './geo';

export function compileQuery(query: Doc): Query {
  try {
    return new Query(query);
  } catch (e) {
    throw toAdminError(e);
  }
}

/** The id of a `{_id: <scalar>}` query, so doc(id) reads and writes skip the scan. */
export function exactId(query: Doc): { id: unknown } | undefined {
  const keys = Object.keys(query);
  if (keys.length !== 1 || keys[0] !== '_id') return undefined;
  const v = query._id;
  if (typeof v === 'string' || typeof v === 'number') return { id: v };
  return undefined;
}

/**
 * Candidate ids when the query pins `_id` at its top level to a scalar or an `$in` list of scalars (with or without
 * other conditions): the documents come from the id map — an `_id` index lookup, as in CloudBase — and the whole
 * query is still evaluated on them.
 */
export function idCandidates(query: Doc): unknown[] | undefined {
  const v = query._id;
  if (typeof v === 'string' || typeof v === 'number') return [v];
  if (isPlainObject(v) && Object.keys(v).length === 1 && Array.isArray(v.$in) && v.$in.every((x) => typeof x === 'string' || typeof x === 'number')) {
    return [...new Set(v.$in as unknown[])];
  }
  return undefined;
}

export interface FindOptions {
  order?: Doc;
  offset?: number;
  limit?: number;
  projection?: Doc;
}

/** Matching documents in natural (insertion) order, then sorted, skipped, limited and projected. */
export function findDocs(docs: Iterable<Doc>, query: Doc, opts: FindOptions = {}): Doc[] {
  try {
    const projection = opts.projection && Object.keys(opts.projection).length ? opts.projection : undefined;
    const near = nearOf(query);
    // A `$nearSphere` query answers nearest first (MongoDB); an explicit order still sorts, stably, on top of that.
    let cursor = near
      ? find(sortByNear(find([...docs], query).all() as Doc[], near), {}, projection)
      : find([...docs], query, projection);
    if (opts.order && Object.keys(opts.order).length) cursor = cursor.sort(sortSpec(opts.order));
    if (opts.offset) cursor = cursor.skip(opts.offset);
    if (opts.limit !== undefined) cursor = cursor.limit(opts.limit);
    return cursor.all() as Doc[];
  } catch (e) {
    throw toAdminError(e);
  }
}

/** Matching documents (unprojected, natural order), at most `max`. */
export function matchDocs(docs: Iterable<Doc>, query: Doc, max = Infinity): Doc[] {
  const q = compileQuery(query);
  const out: Doc[] = [];
  try {
    for (const d of docs) {
      if (out.length >= max) break;
      if (q.test(d)) out.push(d);
    }
  } catch (e) {
    throw toAdminError(e);
  }
  return out;
}

function sortSpec(order: Doc): Record<string, 1 | -1> {
  const out: Record<string, 1 | -1> = {};
  for (const [k, v] of Object.entries(order)) {
    if (v === 1 || v === -1) out[k] = v;
    else if (v === 'asc' || v === 'desc') out[k] = v === 'asc' ? 1 : -1;
    else throw invalidParam(`order: direction of '${k}' must be 1 or -1`);
  }
  return out;
}
