// Emulator layer (db): writes inside a transaction. @cloudbase/database 1.4.3 sends them as the ordinary actions with
// a `transactionId` (document.ts, collection.ts add). [TX-GUIDE] single-document operations only; changes stay in the
// transaction until commit, which re-checks unique indexes and applies everything in one journal line.
import type { Doc } from '../contracts';
import { exactId, matchDocs } from './engine';
import { duplicateKey, invalidParam } from './errors';
import { nonNullKeys, overlay, type DbContext } from './context';
import { applyModifier, replaceDoc, upsertDoc } from './update';
import { idKey, type IdKey, type Op } from './store';
import type { Tx } from './transactions';

function docId(query: Doc): unknown {
  const ex = exactId(query);
  if (!ex) throw invalidParam('transactions support single-document operations only: doc(id).get/update/set/remove');
  return ex.id;
}

/** Stages one change after the conflict check and the unique-index check against the transaction's view. */
function stage(db: DbContext, tx: Tx, coll: string, key: IdKey, doc: Doc | null): void {
  const change = new Map<IdKey, Doc | null>([[key, doc]]);
  db.txs.lockForWrite(tx, coll, key);
  db.indexes.check(coll, overlay(db.txs.docs(tx, coll), change), nonNullKeys(change));
  db.txs.write(tx, coll, key, doc);
}

export function insert(db: DbContext, tx: Tx, coll: string, docs: Doc[]): unknown {
  db.txs.requireCollection(tx, coll);
  for (const d of docs) {
    const key = idKey(d._id);
    if (db.txs.get(tx, coll, key)) throw duplicateKey(coll, '_id_', `{ _id: ${JSON.stringify(d._id)} }`);
    stage(db, tx, coll, key, d);
  }
  return { insertedIds: docs.map((d) => d._id) };
}

export function modify(
  db: DbContext, tx: Tx, coll: string, query: Doc, data: Doc, merge: boolean, upsert: boolean,
): { updated: number; upsert_id: unknown; doc: Doc | undefined } {
  db.txs.requireCollection(tx, coll);
  const id = docId(query);
  const key = idKey(id);
  const cur = db.txs.get(tx, coll, key);
  if (!cur && !upsert) return { updated: 0, upsert_id: null, doc: undefined };
  if (!cur) {
    const created = upsertDoc(query, data, merge, id);
    stage(db, tx, coll, key, created);
    return { updated: 0, upsert_id: id, doc: created };
  }
  const r = merge ? applyModifier(cur, data, query) : replaceDoc(cur, data, cur._id);
  if (r.changed) stage(db, tx, coll, key, r.doc);
  return { updated: 1, upsert_id: null, doc: r.doc }; // CloudBase counts the matched document, changed or not
}

/**
 * updateAndReturn inside a transaction: CloudBase accepts a `where` here (node-sdk's transaction test updates the
 * first `{category: 'Web'}` document), so the first document of the transaction's view that matches is updated.
 */
export function modifyFirst(db: DbContext, tx: Tx, coll: string, query: Doc, data: Doc): { updated: number; doc: Doc | undefined } {
  db.txs.requireCollection(tx, coll);
  const ex = exactId(query);
  const target = ex ? db.txs.get(tx, coll, idKey(ex.id)) : matchDocs(db.txs.docs(tx, coll), query, 1)[0];
  if (!target) return { updated: 0, doc: undefined };
  const r = applyModifier(target, data, query);
  if (r.changed) stage(db, tx, coll, idKey(target._id), r.doc);
  return { updated: 1, doc: r.doc };
}

export function remove(db: DbContext, tx: Tx, coll: string, query: Doc): { deleted: number } {
  db.txs.requireCollection(tx, coll);
  const key = idKey(docId(query));
  if (!db.txs.get(tx, coll, key)) return { deleted: 0 };
  stage(db, tx, coll, key, null);
  return { deleted: 1 };
}

/** Applies every staged change atomically; a unique-index violation aborts the transaction instead. */
export function commit(db: DbContext, tx: Tx): void {
  const ops: Op[] = [];
  try {
    for (const [coll, changes] of tx.writes) {
      if (!db.store.has(coll)) ops.push({ c: coll, create: true });
      db.indexes.check(coll, overlay(db.store.docs(coll)?.values() ?? [], changes), nonNullKeys(changes));
      for (const [k, d] of changes) ops.push(d ? { c: coll, put: d } : { c: coll, del: k });
    }
    if (ops.length) db.commit(ops);
  } catch (e) {
    db.txs.end(tx, 'aborted');
    throw e;
  }
  db.txs.end(tx, 'committed');
}
