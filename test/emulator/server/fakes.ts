// Test fakes: a tiny DatabaseService (insert/count/get on in-memory collections) so runner/server tests do not
// depend on emulator/db. Only what the fixture functions use; unknown collections fail like CloudBase does.
import { EJSON } from 'bson';
import { AdminError } from '../../../emulator/contracts';
import type { DatabaseService, Doc } from '../../../emulator/contracts';

export interface FakeRequest {
  action: string;
  invocationId?: string;
  source?: string;
  envName: string;
  wxCloudApiToken?: string;
}

export function createFakeDatabase(): DatabaseService & { requests: FakeRequest[] } {
  const collections = new Map<string, Doc[]>();
  const requests: FakeRequest[] = [];
  const byAction: Record<string, number> = {};
  let n = 0;
  const coll = (name: unknown): Doc[] => {
    const c = typeof name === 'string' ? collections.get(name) : undefined;
    if (!c) throw new AdminError('DATABASE_COLLECTION_NOT_EXIST', `Db or Table not exist: ${String(name)}`);
    return c;
  };
  return {
    requests,
    actions: ['database.insertDocument', 'database.calculateDocument', 'database.getDocument', 'database.addCollection'],
    async handle(params, ctx) {
      const action = String(params.action);
      requests.push({ action, invocationId: ctx.invocationId, source: ctx.source, envName: ctx.envName, wxCloudApiToken: ctx.wxCloudApiToken });
      byAction[action] = (byAction[action] ?? 0) + 1;
      switch (action) {
        case 'database.insertDocument': {
          const c = coll(params.collectionName);
          const ids = (params.data as string[]).map((s) => {
            const doc = EJSON.parse(s, { relaxed: true }) as Doc;
            const id = `fake${++n}`;
            c.push({ _id: id, ...doc });
            return id;
          });
          return { insertedIds: ids };
        }
        case 'database.calculateDocument':
          return { total: coll(params.collectionName).length };
        case 'database.getDocument':
          return { list: coll(params.collectionName).map((d) => EJSON.stringify(d, { relaxed: false })) };
        case 'database.addCollection':
          collections.set(String(params.collectionName), []);
          return {};
        default:
          throw new AdminError('INVALID_PARAM', `fake database does not support ${action}`);
      }
    },
    collections: () => [...collections.keys()],
    createCollection: (name) => void (collections.has(name) || collections.set(name, [])),
    find: (name) => (collections.get(name) ?? []).slice(),
    insert: (name, docs) => void coll(name).push(...docs),
    replace(name, doc) {
      const c = coll(name);
      const i = c.findIndex((d) => d._id === doc._id);
      if (i >= 0) c[i] = doc;
      else c.push(doc);
    },
    remove(name, id) {
      const c = coll(name);
      const i = c.findIndex((d) => d._id === id);
      if (i >= 0) c.splice(i, 1);
      return i >= 0;
    },
    indexes: () => ({}),
    exportSnapshot: () => ({ collections: Object.fromEntries(collections) }),
    importSnapshot(s) {
      collections.clear();
      for (const [k, v] of Object.entries(s.collections)) collections.set(k, v.slice());
    },
    reset: () => collections.clear(),
    stats: () => ({ requests: requests.length, byAction: { ...byAction }, byTarget: {}, slowest: [] }),
    close: async () => undefined,
  };
}
