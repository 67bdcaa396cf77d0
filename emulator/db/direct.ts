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

/** Replaces (or creates) one document by its `_id`, with unique-index checks (the console's edit). */
export function replaceDoc(db: DbContext, coll: string, raw: Doc): void {
  if (!isPlainObject(raw)) throw invalidParam('a document must be a plain object');
  const d = deepClone(checkId(raw));
  const base = db.store.docs(coll) ?? new Map<IdKey, Doc>();
  const changes = new Map<IdKey, Doc | null>([[idKey(d._id), d]]);
  db.indexes.check(coll, overlay(base.values(), changes), nonNullKeys(changes));
  db.commit([{ c: coll, create: true }, { c: coll, put: d }]);
}

/** Removes one document by `_id`; false when there was none. */
export function removeDoc(db: DbContext, coll: string, id: unknown): boolean {
  const base = db.store.docs(coll);
  const k = idKey(id);
  if (!base?.has(k)) return false;
  db.commit([{ c: coll, del: k }]);
  return true;
}
