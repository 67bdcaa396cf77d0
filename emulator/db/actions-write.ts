// Emulator layer (db): plain (non-transaction) writes: database.insertDocument (add), database.modifyDocument
// (update/set, multi/merge/upsert), database.removeDocument, database.modifyAndReturnDoc. Each request is applied
// synchronously between awaits, so `_.inc` and conditional updates are exact under concurrency; it first waits
// while a transaction holds a lock on a target document [TX-GUIDE].
import type { Doc } from '../contracts';
import { decodeObject, encodeDoc, isPlainObject } from './ejson';
import { committed } from './actions-read';
import { exactId, matchDocs } from './engine';
import { duplicateKey, invalidParam, requestFailed } from './errors';
import {
  collectionName, existing, nonNullKeys, optBool, optString, overlay, queryOf, queryTypeOf,
  type DbContext, type Params,
} from './context';
import { applyModifier, applyModifierMany, normalizeModifier, replaceDoc, upsertDoc } from './update';
import { checkId, idKey, newId, type IdKey, type Op } from './store';
import type { Tx } from './transactions';
import * as txw from './tx-writes';

type Attempt<T> = { blockedBy: Tx } | { done: T };

/** Runs `attempt` (synchronous) until no transaction lock blocks it. */
async function untilUnlocked<T>(db: DbContext, attempt: () => Attempt<T>): Promise<T> {
  for (;;) {
    const r = attempt();
    if ('done' in r) return r.done;
    await db.txs.waitFor(r.blockedBy);
  }
}

/** Journals and applies changes to one collection after the unique-index check. */
function commitChanges(db: DbContext, coll: string, base: ReadonlyMap<IdKey, Doc>, changes: Map<IdKey, Doc | null>): void {
  if (db.indexes.touchesKeys(coll, base, changes)) db.indexes.check(coll, overlay(base.values(), changes), nonNullKeys(changes));
  const ops: Op[] = [];
  for (const [k, d] of changes) ops.push(d ? { c: coll, put: d } : { c: coll, del: k });
  if (ops.length) db.commit(ops);
}

export function decodeInsertData(db: DbContext, p: Params): Doc[] {
  const data = p.data;
  if (!Array.isArray(data) || !data.length) throw invalidParam('data must be a non-empty array of EJSON strings');
  const now = db.clock.now();
  return data.map((s: unknown, i) => {
    const d = decodeObject(s, `data[${i}]`, now);
    refuseDollarFields(d, '');
    return '_id' in d ? checkId(d) : { _id: newId(), ...d };
  });
}

/** CloudBase refuses `add({ $_key: 1 })` with DATABASE_REQUEST_FAILED: MongoDB field names may not start with `$`. */
function refuseDollarFields(value: unknown, path: string): void {
  if (Array.isArray(value)) return value.forEach((v, i) => refuseDollarFields(v, `${path}${i}.`));
  if (!isPlainObject(value)) return;
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('$')) throw requestFailed(`The dollar ($) prefixed field '${k}' in '${path}${k}' is not valid for storage.`);
    refuseDollarFields(v, `${path}${k}.`);
  }
}

export async function insertDocument(db: DbContext, p: Params): Promise<unknown> {
  const coll = collectionName(p);
  const docs = decodeInsertData(db, p);
  const txId = optString(p, 'transactionId');
  if (txId) return txw.insert(db, db.txs.use(txId), coll, docs);
  return untilUnlocked(db, () => {
    const base = existing(db, coll);
    const keys = docs.map((d) => idKey(d._id));
    const blockedBy = db.txs.blocker(coll, keys);
    if (blockedBy) return { blockedBy };
    const changes = new Map<IdKey, Doc | null>();
    docs.forEach((d, i) => {
      const k = keys[i] as IdKey;
      if (base.has(k) || changes.has(k)) throw duplicateKey(coll, '_id_', `{ _id: ${JSON.stringify(d._id)} }`);
      changes.set(k, d);
    });
    commitChanges(db, coll, base, changes);
    return { done: { insertedIds: docs.map((d) => d._id) } };
  });
}

interface ModifySpec {
  coll: string;
  query: Doc;
  data: Doc;
  multi: boolean;
  merge: boolean;
  upsert: boolean;
}

function modifySpec(db: DbContext, p: Params, forceSingle = false): ModifySpec {
  const coll = collectionName(p);
  const type = queryTypeOf(p);
  const query = requiredQuery(db, p);
  const merge = optBool(p, 'merge', true);
  const raw = decodeObject(p.data, 'data', db.clock.now());
  const data = merge ? normalizeModifier(raw) : raw;
  const multi = !forceSingle && type === 'WHERE' && optBool(p, 'multi', true);
  return { coll, query, data, multi, merge, upsert: optBool(p, 'upsert', false) };
}

/**
 * Finds, waits for locks, then updates synchronously. `matched` counts the documents the query selected — CloudBase's
 * `updated` counts those, whether or not the update changed them (a `set` of identical content answers 1) — and
 * `after` holds their new versions (unchanged ones as they are); only changed documents are written.
 */
type Modified = { matched: number; after: Doc[]; upsertId: unknown };

/** The committed documents a write's query selects (all of them, or the first when not `multi`). */
function targetsOf(db: DbContext, coll: string, base: ReturnType<typeof existing>, query: Doc, multi: boolean): Doc[] {
  const src = committed(db, coll, base, query);
  return matchDocs(src.docs, src.residual ?? query, multi ? Infinity : 1);
}

function modify(db: DbContext, s: ModifySpec): Promise<Modified> {
  return untilUnlocked<Modified>(db, () => {
    const base = existing(db, s.coll);
    const ex = exactId(s.query);
    const targets = ex ? [base.get(idKey(ex.id))].filter(isPlainObject) : targetsOf(db, s.coll, base, s.query, s.multi);
    const upsertId = !targets.length && s.upsert ? (ex ? ex.id : newId()) : undefined;
    const keys = targets.map((d) => idKey(d._id));
    if (upsertId !== undefined) keys.push(idKey(upsertId));
    const blockedBy = db.txs.blocker(s.coll, keys);
    if (blockedBy) return { blockedBy };
    const changes = new Map<IdKey, Doc | null>();
    const positional = JSON.stringify(s.data).includes('.$');
    const results = s.merge && targets.length > 1 && !positional
      ? applyModifierMany(targets, s.data)
      : targets.map((d) => (s.merge ? applyModifier(d, s.data, s.query) : replaceDoc(d, s.data, d._id)));
    for (const r of results) if (r.changed) changes.set(idKey(r.doc._id), r.doc);
    if (upsertId !== undefined) changes.set(idKey(upsertId), upsertDoc(s.query, s.data, s.merge, upsertId));
    commitChanges(db, s.coll, base, changes);
    return { done: { matched: targets.length, after: results.map((r) => r.doc), upsertId } };
  });
}

export async function modifyDocument(db: DbContext, p: Params): Promise<unknown> {
  const txId = optString(p, 'transactionId');
  const s = modifySpec(db, p);
  if (txId) {
    const r = txw.modify(db, db.txs.use(txId), s.coll, s.query, s.data, s.merge, s.upsert);
    return { updated: r.updated, upsert_id: r.upsert_id };
  }
  const r = await modify(db, s);
  return { updated: r.matched, upsert_id: r.upsertId ?? null };
}

export async function modifyAndReturnDoc(db: DbContext, p: Params): Promise<unknown> {
  const txId = optString(p, 'transactionId');
  const s = modifySpec(db, { ...p, merge: true }, true);
  if (txId) {
    const r = txw.modifyFirst(db, db.txs.use(txId), s.coll, s.query, s.data);
    return { updated: r.updated, doc: r.doc ? encodeDoc(r.doc) : null };
  }
  const r = await modify(db, { ...s, upsert: false });
  const doc = r.after[0];
  return { updated: r.matched, doc: doc ? encodeDoc(doc) : null };
}

/**
 * The query of an update or remove. CloudBase answers INVALID_PARAM when there is none (`collection.update()` /
 * `collection.remove()` without `where`), instead of changing every document; `where({})` sends `{}` and is allowed.
 */
function requiredQuery(db: DbContext, p: Params): Doc {
  if (p.query === undefined || p.query === null || p.query === '') {
    throw invalidParam('query is required: call where() (where({}) for every document) before update or remove');
  }
  return queryOf(db, p);
}

export async function removeDocument(db: DbContext, p: Params): Promise<unknown> {
  const coll = collectionName(p);
  const query = requiredQuery(db, p);
  const txId = optString(p, 'transactionId');
  if (txId) return txw.remove(db, db.txs.use(txId), coll, query);
  const multi = queryTypeOf(p) === 'WHERE' && optBool(p, 'multi', true);
  return untilUnlocked(db, () => {
    const base = existing(db, coll);
    const ex = exactId(query);
    const targets = ex ? [base.get(idKey(ex.id))].filter(isPlainObject) : targetsOf(db, coll, base, query, multi);
    const keys = targets.map((d) => idKey(d._id));
    const blockedBy = db.txs.blocker(coll, keys);
    if (blockedBy) return { blockedBy };
    const ops: Op[] = keys.map((k) => ({ c: coll, del: k }));
    if (ops.length) db.commit(ops);
    return { done: { deleted: ops.length } };
  });
}
