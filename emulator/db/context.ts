// Emulator layer (db): what every action handler works with, and the request parameter readers they share.
import type { Clock, Doc, Logger } from '../contracts';
import { decodeObject, isPlainObject } from './ejson';
import { collectionNotExist, invalidParam } from './errors';
import type { UniqueIndexes } from './indexes';
import type { Persistence } from './persistence';
import type { SecondaryIndexes } from './secondary';
import { idKey, type IdKey, type Op, type Store } from './store';
import type { TxManager } from './transactions';

export interface DbContext {
  clock: Clock;
  store: Store;
  indexes: UniqueIndexes;
  /** Secondary indexes used by the planner (absent: every query scans). */
  secondary?: SecondaryIndexes;
  persist: Persistence;
  txs: TxManager;
  log: Logger;
  /** Journals, then applies, one atomic batch of changes (synchronously). */
  commit(ops: Op[]): void;
}

export type Params = Record<string, unknown>;
export type ActionHandler = (db: DbContext, p: Params) => unknown;

export function collectionName(p: Params): string {
  const name = p.collectionName;
  if (typeof name !== 'string' || !name.length || name.length > 128 || name.startsWith('$')) {
    throw invalidParam('collectionName must be a non-empty string');
  }
  return name;
}

export function existing(db: DbContext, coll: string): ReadonlyMap<IdKey, Doc> {
  const docs = db.store.docs(coll);
  if (!docs) throw collectionNotExist(coll);
  return docs;
}

export function optInt(p: Params, field: string, min: number): number | undefined {
  const v = p[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw invalidParam(`${field} must be an integer >= ${min}`);
  return v;
}

export function optBool(p: Params, field: string, dflt: boolean): boolean {
  const v = p[field];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'boolean') throw invalidParam(`${field} must be a boolean`);
  return v;
}

export function optString(p: Params, field: string): string | undefined {
  const v = p[field];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw invalidParam(`${field} must be a string`);
  return v;
}

/** `query` (EJSON string) as an object; absent means every document. */
export function queryOf(db: DbContext, p: Params): Doc {
  return p.query === undefined || p.query === null || p.query === '' ? {} : decodeObject(p.query, 'query', db.clock.now());
}

export function queryTypeOf(p: Params): 'DOC' | 'WHERE' {
  const t = p.queryType ?? 'WHERE';
  if (t !== 'DOC' && t !== 'WHERE') throw invalidParam('queryType must be DOC or WHERE');
  return t;
}

/** The documents of `base` with `changes` applied (null = removed), for unique-index checks. */
export function* overlay(base: Iterable<Doc>, changes: ReadonlyMap<IdKey, Doc | null>): Generator<Doc> {
  const seen = new Set<IdKey>();
  for (const d of base) {
    const k = idKey(d._id);
    if (!changes.has(k)) {
      yield d;
      continue;
    }
    seen.add(k);
    const c = changes.get(k);
    if (c) yield c;
  }
  for (const [k, c] of changes) if (c && !seen.has(k)) yield c;
}

export function nonNullKeys(changes: ReadonlyMap<IdKey, Doc | null>): Set<IdKey> {
  const out = new Set<IdKey>();
  for (const [k, d] of changes) if (d) out.add(k);
  return out;
}

export function assertDoc(v: unknown, field: string): Doc {
  if (!isPlainObject(v)) throw invalidParam(`${field} must encode an object`);
  return v;
}
