// Adapters (grants stores): the append-only `consent_log` collection (deterministic ids: a retry logs once).
import type { ConsentLog } from '../../core/grants/ports';
import { db, type Doc } from '../db';
import { insertOnce } from './grants-db';

export function createConsentLog(): ConsentLog {
  return {
    async append(entries) {
      const coll = db().collection('consent_log');
      await Promise.all(entries.map((e) => insertOnce(coll, e as unknown as Doc & { _id: string })));
    },
  };
}
