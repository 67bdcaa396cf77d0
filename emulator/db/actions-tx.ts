// Emulator layer (db): database.addCollection and the transaction actions. @cloudbase/database 1.4.3
// (src/transaction/index.ts) uses start/commit/abort; the *InTransaction actions belong to its older
// src/transaction.ts API, which 4.0.2 no longer calls, and are answered in that API's shapes.
import type { Doc } from '../contracts';
import { TopLevelAnswer } from './answer';
import { decodeObject, encodeDoc, encodeEJSON } from './ejson';
import { collectionExists, invalidParam } from './errors';
import { collectionName, optBool, type DbContext, type Params } from './context';
import { normalizeModifier } from './update';
import * as txw from './tx-writes';

export function addCollection(db: DbContext, p: Params): unknown {
  const coll = collectionName(p);
  if (db.store.has(coll)) throw collectionExists(coll);
  db.commit([{ c: coll, create: true }]);
  return {};
}

function txIdOf(p: Params): string {
  const id = p.transactionId;
  if (typeof id !== 'string' || !id) throw invalidParam('transactionId must be a non-empty string');
  return id;
}

/** Answered `{ requestId, transactionId }` at the top level: the SDK reads `res.transactionId`. */
export function startTransaction(db: DbContext): unknown {
  return new TopLevelAnswer({ transactionId: db.txs.start().id });
}

export function commitTransaction(db: DbContext, p: Params): unknown {
  txw.commit(db, db.txs.use(txIdOf(p)));
  return {};
}

/** Idempotent: rolling back an already ended transaction succeeds (runTransaction rolls back after failures). */
export function abortTransaction(db: DbContext, p: Params): unknown {
  const id = txIdOf(p);
  if (db.txs.endedState(id) && db.txs.endedState(id) !== 'committed') return {};
  db.txs.end(db.txs.use(id), 'aborted');
  return {};
}

function legacyTarget(p: Params): { coll: string; query: Doc } {
  const id = p._id;
  if (typeof id !== 'string' && typeof id !== 'number') throw invalidParam('_id must be a string or a number');
  return { coll: collectionName(p), query: { _id: id } };
}

export function getInTransaction(db: DbContext, p: Params): unknown {
  const tx = db.txs.use(txIdOf(p));
  const { coll, query } = legacyTarget(p);
  db.txs.requireCollection(tx, coll);
  return encodeDoc(db.txs.get(tx, coll, query._id as string | number) ?? null);
}

/** Legacy set (`upsert:true`, data replaces) or update (`{$set: data}`); answers `updated` as an EJSON string. */
export function updateDocInTransaction(db: DbContext, p: Params): unknown {
  const tx = db.txs.use(txIdOf(p));
  const { coll, query } = legacyTarget(p);
  const upsert = optBool(p, 'upsert', false);
  const raw = decodeObject(p.data, 'data', db.clock.now());
  const r = txw.modify(db, tx, coll, query, upsert ? raw : normalizeModifier(raw), !upsert, upsert);
  const upserted = r.upsert_id === null ? undefined : JSON.stringify([{ _id: r.upsert_id }]);
  return new TopLevelAnswer({ updated: encodeEJSON(r.updated), ...(upserted ? { upserted } : {}) });
}

export function deleteDocInTransaction(db: DbContext, p: Params): unknown {
  const tx = db.txs.use(txIdOf(p));
  const { coll, query } = legacyTarget(p);
  return new TopLevelAnswer({ deleted: encodeEJSON(txw.remove(db, tx, coll, query).deleted) });
}
