// Adapters (dispatch): small helpers of the queue stores.
import { db } from '../db';
import { dbErrorKind } from '../db-errors';

/** Runs `write`; if the collection does not exist yet, creates it once and runs `write` again. */
export async function ensureCollection<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (dbErrorKind(err) !== 'missing_collection') throw err;
    await db().createCollection(name).catch(() => undefined);
    return write();
  }
}
