// Adapters (grants stores): helpers shared by the grants stores on cloud.database() — unique inserts as claims.
import { db, type CollectionRef, type Doc } from '../db';
import { dbErrorKind, orIfMissing } from '../db-errors';

/**
 * Inserts a document with a fixed `_id`; false when one with that id exists. The database refuses a second insert
 * of the same `_id` ([ADD-DOC]; the error text is Mongo's E11000 [E11000-NOTE], unverified upstream), so whichever
 * concurrent caller inserts first owns the claim. On any other error the id is looked up before rethrowing.
 */
export async function insertOnce(collection: CollectionRef, doc: Doc & { _id: string }): Promise<boolean> {
  try {
    await collection.add({ data: doc });
    return true;
  } catch (err) {
    if (dbErrorKind(err) === 'duplicate') return false;
    const existing = await collection.doc(doc._id).get().catch(() => ({ data: null }));
    if (existing.data) return false;
    throw err;
  }
}

/** Removes `where(query)` matches; a collection that does not exist yet counts as 0. */
export async function removeWhere(name: string, query: Doc): Promise<number> {
  return orIfMissing(async () => (await db().collection(name).where(query).remove()).stats.removed ?? 0, 0);
}

/** Multi-document update; 0 when the collection does not exist yet. */
export async function updateWhere(name: string, query: Doc, data: Doc): Promise<number> {
  return orIfMissing(async () => (await db().collection(name).where(query).update({ data })).stats.updated, 0);
}
