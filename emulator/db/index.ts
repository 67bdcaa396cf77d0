// Emulator layer (db): the database service behind every `database.*` /admin action of wx-server-sdk 4.0.2
// (mingo for semantics, EJSON on the wire, journal + snapshot on disk). See emulator/contracts.ts.
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  AdminError, type AdminRequestContext, type DatabaseService, type DatabaseServiceOptions, type Doc, type SlowRequest,
} from '../contracts';
import { aggregateDocuments, calculateDocument, getDocument } from './actions-read';
import {
  abortTransaction, addCollection, commitTransaction, deleteDocInTransaction, getInTransaction, startTransaction,
  updateDocInTransaction,
} from './actions-tx';
import { insertDocument, modifyAndReturnDoc, modifyDocument, removeDocument } from './actions-write';
import type { ActionHandler, DbContext } from './context';
import { deepClone } from './ejson';
import { matchDocs } from './engine';
import { DB_ERROR_CODES, toAdminError } from './errors';
import { keepLongest } from '../longest';
import { UniqueIndexes } from './indexes';
import { filePersistence, memoryPersistence } from './persistence';
import { importDocs, insertDocs, removeDoc, replaceDoc } from './direct';
import { SecondaryIndexes } from './secondary';
import { Store, type Op } from './store';
import { TxManager } from './transactions';

export { TopLevelAnswer, answerBody } from './answer';

/** Optional tuning beyond the contract (tests use short timeouts). */
export interface DatabaseTuning {
  /** An idle transaction is rolled back after this long (default 10 s). Plain writes wait at most that long. */
  txIdleTimeoutMs?: number;
  /** The journal is compacted into the snapshot when it grows past this many bytes (default 8 MiB). */
  compactBytes?: number;
  /** false: no secondary indexes, every query other than by `_id` scans (tests compare both). Default true. */
  planner?: boolean;
  /** The secondary indexes to maintain (tests pass one to inspect it); built from `indexes` when absent. */
  secondary?: SecondaryIndexes;
}

const HANDLERS: Record<string, ActionHandler> = {
  'database.getDocument': getDocument,
  'database.calculateDocument': calculateDocument,
  'database.aggregateDocuments': aggregateDocuments,
  'database.insertDocument': insertDocument,
  'database.modifyDocument': modifyDocument,
  'database.removeDocument': removeDocument,
  'database.modifyAndReturnDoc': modifyAndReturnDoc,
  'database.addCollection': addCollection,
  'database.startTransaction': startTransaction,
  'database.commitTransaction': commitTransaction,
  'database.abortTransaction': abortTransaction,
  'database.getInTransaction': getInTransaction,
  'database.updateDocInTransaction': updateDocInTransaction,
  'database.deleteDocInTransaction': deleteDocInTransaction,
};

export async function createDatabaseService(opts: DatabaseServiceOptions & DatabaseTuning): Promise<DatabaseService> {
  const log = opts.log ?? (() => {});
  const secondary = opts.planner === false ? undefined : (opts.secondary ?? new SecondaryIndexes(opts.indexes));
  const store = new Store(secondary);
  const persist = opts.dataDir ? filePersistence(opts.dataDir, opts.compactBytes ?? 8 << 20, log) : memoryPersistence();
  persist.load(store);
  // Counts the documents a request writes (the invocation log tells idle timer runs from busy ones).
  const writes = new AsyncLocalStorage<{ count: number }>();
  const db: DbContext = {
    clock: opts.clock,
    store,
    indexes: new UniqueIndexes(opts.indexes),
    secondary,
    persist,
    txs: new TxManager(store, opts.txIdleTimeoutMs ?? 10_000, log),
    log,
    commit(ops: Op[]) {
      const w = writes.getStore();
      if (w) for (const op of ops) if (!('create' in op)) w.count += 1;
      persist.append(ops);
      store.apply(ops);
      persist.maybeCompact(store);
    },
  };
  const byAction: Record<string, number> = {};
  const byTarget: Record<string, number> = {};
  let requests = 0;
  let closed = false;
  const slowest: SlowRequest[] = [];

  async function handle(params: Record<string, unknown>, ctx: AdminRequestContext): Promise<unknown> {
    if (typeof params !== 'object' || params === null) throw new AdminError(DB_ERROR_CODES.invalidParam, 'the request must be a JSON object');
    const action = typeof params.action === 'string' ? params.action : '';
    requests += 1;
    byAction[action] = (byAction[action] ?? 0) + 1;
    const coll = typeof params.collectionName === 'string' ? params.collectionName : '';
    const key = `${action} ${coll}`;
    byTarget[key] = (byTarget[key] ?? 0) + 1;
    if (closed) throw new AdminError(DB_ERROR_CODES.sysErr, 'the database service is closed');
    const handler = HANDLERS[action];
    if (!handler) throw new AdminError(DB_ERROR_CODES.invalidAction, `unknown database action '${action}'`);
    const started = performance.now();
    try {
      return await writes.run(ctx.written ?? { count: 0 }, () => handler(db, params));
    } catch (e) {
      if (!(e instanceof AdminError)) log(`[db] ${action} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      throw toAdminError(e);
    } finally {
      noteDuration(slowest, performance.now() - started, action, coll, params);
    }
  }

  return {
    handle,
    actions: Object.keys(HANDLERS),
    collections: () => store.names(),
    createCollection(name) {
      if (!store.has(name)) db.commit([{ c: name, create: true }]);
    },
    find(collection, query: Doc = {}) {
      const docs = store.docs(collection);
      return docs ? matchDocs(docs.values(), query).map((d) => deepClone(d)) : [];
    },
    insert: (collection, docs) => insertDocs(db, collection, docs),
    replace: (collection, doc) => replaceDoc(db, collection, doc),
    remove: (collection, id) => removeDoc(db, collection, id),
    indexes: () => structuredClone(opts.indexes ?? {}),
    exportSnapshot() {
      const collections: Record<string, Doc[]> = {};
      for (const name of store.names()) collections[name] = [...(store.docs(name)?.values() ?? [])].map((d) => deepClone(d));
      return { collections };
    },
    importSnapshot(snapshot) {
      db.txs.abortAll();
      importDocs(db, snapshot.collections);
    },
    reset() {
      db.txs.abortAll();
      store.clear();
      persist.compact(store);
    },
    stats: () => ({ requests, byAction: { ...byAction }, byTarget: { ...byTarget }, slowest: slowest.map((r) => ({ ...r })) }),
    async close() {
      if (closed) return;
      closed = true;
      db.txs.abortAll();
      persist.close(store);
    },
  };
}

/** How many of the slowest requests the service keeps. */
export const SLOWEST_KEPT = 10;

/** Records the request among the SLOWEST_KEPT slowest (`at`: when it started). */
function noteDuration(list: SlowRequest[], ms: number, action: string, collection: string, params: Record<string, unknown>): void {
  keepLongest(list, SLOWEST_KEPT, ms, () => {
    const q = params.query ?? params.stages ?? params.data ?? '';
    const query = (typeof q === 'string' ? q : JSON.stringify(q) ?? '').slice(0, 120);
    return { action, collection, ms: Math.round(ms * 10) / 10, query, at: new Date(Date.now() - ms).toISOString() };
  });
}
