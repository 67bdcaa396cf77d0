// Emulator layer (db): the programmatic API's writes (seeding, tests): plain JS documents, no transaction locks.
import type { Doc } from '../contracts';
import { overlay, nonNullKeys, type DbContext } from './context';
import { deepClone, isPlainObject } from './ejson';
import { duplicateKey, invalidParam } from './errors';
import { checkId, idKey, newId, type IdKey, type Op } from './store';

/** Inserts documents (creating the collection when missing), with `_id` and unique-index checks. */
export function insertDocs(db: DbContext, coll: string, docs: Doc[]): void {
  const base = db.store.docs(coll) ?? new Map<IdKey, Doc>();
  const changes = new Map<IdKey, Doc | null>();
  for (const raw of docs) {
    if (!isPlainObject(raw)) throw invalidParam('documents must be plain objects');
    const d = deepClone('_id' in raw ? checkId(raw) : { _id: newId(), ...raw });
    const k = idKey(d._id);
    if (base.has(k) || changes.has(k)) throw duplicateKey(coll, '_id_', `{ _id: ${JSON.stringify(d._id)} }`);
    changes.set(k, d);
  }
  db.indexes.check(coll, overlay(base.values(), changes), nonNullKeys(changes));
  const ops: Op[] = [{ c: coll, create: true }];
  for (const d of changes.values()) if (d) ops.push({ c: coll, put: d });
  db.commit(ops);
}

/** Replaces every collection with the snapshot's, then writes it to disk as a new snapshot generation. */
export function importDocs(db: DbContext, collections: Record<string, Doc[]>): void {
  const ops: Op[] = [];
  for (const [c, docs] of Object.entries(collections)) {
    if (!Array.isArray(docs)) throw invalidParam(`snapshot collection ${c} must be an array`);
    ops.push({ c, create: true });
    const seen = new Set<IdKey>();
    for (const raw of docs) {
      if (!isPlainObject(raw)) throw invalidParam(`snapshot collection ${c} holds a non-object`);
      const d = deepClone('_id' in raw ? checkId(raw) : { _id: newId(), ...raw });
      const k = idKey(d._id);
      if (seen.has(k)) throw duplicateKey(c, '_id_', `{ _id: ${JSON.stringify(d._id)} }`);
      seen.add(k);
      ops.push({ c, put: d });
    }
  }
  db.store.clear();
  db.store.apply(ops);
  db.persist.compact(db.store);
}
