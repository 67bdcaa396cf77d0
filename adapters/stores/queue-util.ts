// Adapters (dispatch): small helpers of the queue stores.
import { db } from '../db';

const NOT_EXIST = /not ?exist|-502005/i;

/** Runs `write`; if the collection does not exist yet, creates it once and runs `write` again. */
export async function ensureCollection<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (!NOT_EXIST.test(String((err as { message?: unknown }).message ?? err))) throw err;
    await db().createCollection(name).catch(() => undefined);
    return write();
  }
}
