// Scripts (operator CLI): @cloudbase/node-sdk's database seen through the same typed facade the functions use
// (adapters/db.ts `Database`), so the CLI reuses the stores of adapters/stores/*. node-sdk answers differ from
// wx-server-sdk's: `doc().get()` → `{ data: [doc] }`, `aggregate().end()` → `{ data }`, `update()` → `{ updated }`.
import tcb from '@cloudbase/node-sdk';
import type { Aggregate, CollectionRef, Database, Doc, DocRef, Query, WriteResult } from '../../adapters/db';

type Raw = any; // node-sdk's own chainable objects (typed loosely by the package)

function check<T>(res: T): T {
  const r = res as { code?: unknown; message?: unknown };
  if (r && typeof r === 'object' && r.code) throw new Error(`${String(r.code)}: ${String(r.message ?? '')}`);
  return res;
}

const written = (res: Raw): WriteResult => {
  check(res);
  return { stats: { updated: Number(res?.updated ?? res?.stats?.updated ?? 0) } };
};

function wrapAggregate(a: Raw): Aggregate {
  const chain = (name: string) => (arg: unknown) => wrapAggregate(a[name](arg));
  return {
    match: chain('match'), group: chain('group'), project: chain('project'), sort: chain('sort'), limit: chain('limit'),
    skip: chain('skip'), count: chain('count'), unwind: chain('unwind'), lookup: chain('lookup'),
    async end() {
      const res = check(await a.end());
      return { list: (res?.data ?? res?.list ?? []) as Doc[] };
    },
  } as Aggregate;
}

function wrapQuery(q: Raw): Query {
  return {
    where: (w) => wrapQuery(q.where(w)),
    orderBy: (f, o) => wrapQuery(q.orderBy(f, o)),
    limit: (n) => wrapQuery(q.limit(n)),
    skip: (n) => wrapQuery(q.skip(n)),
    field: (p) => wrapQuery(q.field(p)),
    get: async () => ({ data: (check(await q.get()).data ?? []) as Doc[] }),
    count: async () => ({ total: Number(check(await q.count()).total ?? 0) }),
    update: async (o) => written(await q.update(o.data)),
    remove: async () => ({ stats: { removed: Number(check(await q.remove()).deleted ?? 0) } }),
  };
}

function wrapDoc(d: Raw): DocRef {
  return {
    async get() {
      const res = check(await d.get());
      const data = Array.isArray(res.data) ? (res.data[0] ?? null) : (res.data ?? null);
      return { data: data as Doc | null };
    },
    set: async (o) => written(await d.set(o.data)),
    update: async (o) => written(await d.update(o.data)),
    remove: async () => ({ stats: { removed: Number(check(await d.remove()).deleted ?? 0) } }),
  };
}

export function wrapNodeDatabase(raw: Raw): Database {
  return {
    collection(name: string): CollectionRef {
      const c = raw.collection(name);
      return {
        ...wrapQuery(c),
        doc: (id: string) => wrapDoc(c.doc(id)),
        add: async (o) => ({ _id: String(check(await c.add(o.data)).id ?? '') }),
        aggregate: () => wrapAggregate(c.aggregate()),
      };
    },
    command: raw.command,
    serverDate: (o) => raw.serverDate(o),
    createCollection: (name) => raw.createCollection(name),
    runTransaction: () => Promise.reject(new Error('transactions are not used by the CLI')),
    startTransaction: () => Promise.reject(new Error('transactions are not used by the CLI')),
  };
}

export interface Connection {
  env: string;
  /** `emulator (http://127.0.0.1:8787/admin)` or `CloudBase <env>`. */
  target: string;
  database: Database;
}

/**
 * Connects with TCB_ENV + TENCENTCLOUD_SECRETID/SECRETKEY (a real environment), or with the variables `npm start`
 * prints (TCB_CONTEXT_CNFG={"URL":…/admin}: node-sdk sends every request there, exactly as wx-server-sdk does,
 * docs/platform-facts.md §8.3; node-sdk 3.18 reads it in utils/tcbcontext.ts getServerInjectUrl).
 */
export function connect(env: NodeJS.ProcessEnv = process.env, override?: { env?: string }): Connection {
  const envId = override?.env ?? env.TCB_ENV ?? env.SCF_NAMESPACE;
  const secretId = env.TENCENTCLOUD_SECRETID;
  const secretKey = env.TENCENTCLOUD_SECRETKEY;
  const missing = [!envId && 'TCB_ENV', !secretId && 'TENCENTCLOUD_SECRETID', !secretKey && 'TENCENTCLOUD_SECRETKEY'].filter(Boolean);
  // node-sdk turns missing credentials into an unhandled rejection that kills the process (docs/platform-facts.md
  // §8.1): check first.
  if (missing.length > 0) {
    throw new Error(`missing ${missing.join(', ')}. For the emulator, export the variables \`npm start\` prints; for CloudBase, set TCB_ENV and an API key pair (CAM).`);
  }
  let target = `CloudBase ${envId}`;
  try {
    const url = (JSON.parse(env.TCB_CONTEXT_CNFG ?? '{}') as { URL?: string }).URL;
    if (url) target = `emulator (${url.replace(/\?.*$/, '')})`;
  } catch {
    throw new Error('TCB_CONTEXT_CNFG is not valid JSON (expected {"URL":"http://127.0.0.1:8787/admin"})');
  }
  const config: Record<string, unknown> = { env: envId, secretId, secretKey };
  if (env.TENCENTCLOUD_SESSIONTOKEN) config.sessionToken = env.TENCENTCLOUD_SESSIONTOKEN;
  const app = tcb.init(config);
  return { env: envId as string, target, database: wrapNodeDatabase(app.database()) };
}
