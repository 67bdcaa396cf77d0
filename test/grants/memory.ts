// Test support (grants, unit): in-memory ports with the database's semantics — each operation atomic, an
// optional `gate` before each one so a scheduler (fast-check) can interleave concurrent callers.
import type { Change, Cond, GrantDocStore } from '../../core/grants/ledger';
import { createLedgerCore } from '../../core/grants/ledger';
import { createGrantHolds } from '../../core/grants/holds';
import { grantId, type GrantDoc } from '../../core/grants/model';
import { DECLARED } from '../support/templates';
import type { ConsentEntry, GrantsDeps, UserSettings } from '../../core/grants/ports';
import type { PushDeps } from '../../core/grants/push';
import type { SubscriptionsDeps } from '../../core/grants/table';
import type { Receipt } from '../../core/sending/receipts';

export type Gate = () => Promise<void>;
const open: Gate = () => Promise.resolve();

export class FixedClock {
  constructor(public t = Date.UTC(2026, 10, 21, 3, 0, 0)) {}
  now(): number {
    return this.t;
  }
}

function matches(doc: Record<string, unknown>, cond: Cond): boolean {
  return Object.entries(cond).every(([field, c]) => {
    const v = doc[field];
    if ('gt' in c) return typeof v === 'number' && v > c.gt;
    if ('eq' in c) return v === c.eq;
    if ('has' in c) return Array.isArray(v) && v.includes(c.has);
    return !(Array.isArray(v) && v.includes(c.lacks));
  });
}

function apply(d: Record<string, unknown>, change: Change): void {
  for (const [f, n] of Object.entries(change.inc ?? {})) d[f] = ((d[f] as number | undefined) ?? 0) + n;
  for (const [f, v] of Object.entries(change.set ?? {})) d[f] = structuredClone(v);
  if (change.push) {
    const arr = [...((d[change.push.field] as string[] | undefined) ?? []), change.push.value];
    d[change.push.field] = change.push.keepLast === undefined ? arr : arr.slice(-change.push.keepLast);
  }
  if (change.pull) {
    const { field, value } = change.pull;
    d[field] = ((d[field] as string[] | undefined) ?? []).filter((x) => x !== value);
  }
}

export function memoryGrantStore(gate: Gate = open): GrantDocStore & { docs: Map<string, GrantDoc>; ops: number } {
  const docs = new Map<string, GrantDoc>();
  const store = {
    docs,
    ops: 0,
    async get(id: string) {
      await gate();
      store.ops++;
      const d = docs.get(id);
      return d ? structuredClone(d) : null;
    },
    async insert(doc: GrantDoc) {
      await gate();
      store.ops++;
      if (docs.has(doc._id)) return false;
      docs.set(doc._id, structuredClone(doc));
      return true;
    },
    async updateIf(id: string, cond: Cond, change: Change) {
      await gate();
      store.ops++;
      const d = docs.get(id) as unknown as Record<string, unknown> | undefined;
      if (!d || !matches(d, cond)) return false;
      apply(d, change);
      return true;
    },
    async getMany(ids: readonly string[]) {
      await gate();
      store.ops++;
      return ids.flatMap((id) => (docs.has(id) ? [structuredClone(docs.get(id) as GrantDoc)] : []));
    },
    async updateManyIf(ids: readonly string[], cond: Cond, change: Change) {
      await gate();
      store.ops++;
      let n = 0;
      for (const id of new Set(ids)) {
        const d = docs.get(id) as unknown as Record<string, unknown> | undefined;
        if (!d || !matches(d, cond)) continue;
        apply(d, change);
        n++;
      }
      return n;
    },
  };
  return store;
}

/** The demo templates of config/templates.json (the registry as the grants use cases read it). */
export const DEMO = DECLARED;

/** Every port of the subscriptions use cases in memory. `writes` counts every write (bad input must leave it 0). */
export function memoryGrantsDeps(opts: { clock?: FixedClock; gate?: Gate; recordPerMinute?: number } = {}) {
  const clock = opts.clock ?? new FixedClock();
  const store = memoryGrantStore(opts.gate);
  const consent: ConsentEntry[] = [];
  const claims = new Map<string, { openid: string; state: string }>();
  const rate = new Map<string, number>();
  const users = new Map<string, UserSettings & { openid: string }>();
  const receipts: Receipt[] = [];
  const counter = { writes: 0 };
  const deps: PushDeps & SubscriptionsDeps = {
    clock,
    ledger: createLedgerCore(store, clock, (k) => grantId(k.openid, k.templateId)),
    // The real holds over the in-memory store (purpose holds of a tap recorded for a purpose).
    holds: createGrantHolds({ store, ledger: createLedgerCore(store, clock, (k) => grantId(k.openid, k.templateId)), consent: { append: async () => undefined }, clock }),
    grants: { listByOpenid: async (openid) => [...store.docs.values()].filter((d) => d.openid === openid).map((d) => structuredClone(d)) },
    consent: {
      async append(entries) {
        for (const e of entries) if (!consent.some((c) => c._id === e._id)) (counter.writes++, consent.push(e));
      },
    },
    requests: {
      async claim(id, doc) {
        const c = claims.get(id);
        if (c) return c.state === 'done' ? 'done' : 'open';
        counter.writes++;
        claims.set(id, { openid: doc.openid, state: 'open' });
        return 'new';
      },
      async finish(id) {
        const c = claims.get(id);
        if (c) c.state = 'done';
      },
    },
    rateLimiter: {
      async hit(openid, scope, limit, windowMs, now) {
        const key = `${scope}:${openid}:${Math.floor(now / windowMs)}`;
        const n = rate.get(key) ?? 0;
        if (n >= limit) return false;
        counter.writes++;
        rate.set(key, n + 1);
        return true;
      },
    },
    users: {
      getSettings: async (openid) => users.get(openid) ?? null,
      saveSettings: async (openid, s) => void users.set(openid, { openid, ...s }),
    },
    registry: { list: async () => [...DEMO] },
    eraser: {
      async eraseOpenid(collection, openid) {
        const drop = <T>(m: Map<string, T>, owner: (v: T) => string): number => {
          let n = 0;
          for (const [k, v] of m) if (owner(v) === openid) (m.delete(k), n++);
          return n;
        };
        if (collection === 'grants') return drop(store.docs, (d) => d.openid);
        if (collection === 'request_log') return drop(claims, (c) => c.openid);
        if (collection === 'users') return drop(users, (u) => u.openid);
        if (collection === 'consent_log') {
          const before = consent.length;
          consent.splice(0, consent.length, ...consent.filter((c) => c.openid !== openid));
          return before - consent.length;
        }
        return 0;
      },
    },
    receipts: {
      save: async (r) => void (counter.writes++, receipts.push(r)),
      findDelivery: async () => null,
      markDelivery: async () => false,
      markJoined: async () => undefined,
      waiting: async () => [],
    },
    history: {
      async history(openid, cursor, limit) {
        const order = (a: ConsentEntry, b: ConsentEntry) => b.at - a.at || (a._id < b._id ? 1 : a._id > b._id ? -1 : 0);
        const after = (e: ConsentEntry) => !cursor || e.at < cursor.at || (e.at === cursor.at && e._id < cursor.id);
        return consent.filter((e) => e.openid === openid && after(e)).sort(order).slice(0, limit).map((e) => structuredClone(e));
      },
    },
    limits: { recordPerMinute: opts.recordPerMinute ?? 30, maxTemplatesPerRequest: 3 },
  };
  const writes = () => counter.writes + store.ops; // store.ops also counts reads; only used as "nothing happened"
  return { deps, store, consent, claims, users, receipts, clock, writes };
}
