// Adapters: collection creation on cloud.database() for the setup use case.
import type { SetupPort } from '../core/setup';
import { db } from './db';
import { dbErrorKind } from './db-errors';

export const setupStore: SetupPort = {
  async createCollection(name) {
    try {
      await db().createCollection(name);
      return true;
    } catch (err) {
      // CloudBase answers an error when the collection exists; anything else is a real failure.
      if (dbErrorKind(err) === 'collection_exists') return false;
      throw err;
    }
  },
};
