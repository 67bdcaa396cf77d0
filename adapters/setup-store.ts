// Adapters: collection creation on cloud.database() for the setup use case.
import type { SetupPort } from '../core/setup';
import { db } from './db';

export const setupStore: SetupPort = {
  async createCollection(name) {
    try {
      await db().createCollection(name);
      return true;
    } catch (err) {
      // CloudBase answers an error when the collection exists; anything else is a real failure.
      const text = String((err as { message?: unknown }).message ?? err);
      if (/exist/i.test(text)) return false;
      throw err;
    }
  },
};
