// Adapters (grants stores): the `grants` collection — the ledger's primitive (one conditional update per document,
// one at a time or many in one request: core/grants/ledger.ts GrantDocStore) and reads. Every rule on `remaining`
// lives in core/grants (ledger.ts, holds.ts); this file only translates conditions and changes into CloudBase's.
import type { Change, Cond, GrantDocStore } from '../../core/grants/ledger';
import type { GrantDoc } from '../../core/grants/model';
import type { GrantQueries } from '../../core/grants/ports';
import { db, type Doc } from '../db';
import { insertOnce } from './grants-db';

export const GRANTS = 'grants';
/** [LIMIT-DOC] [CBDB-SRC] a server-side get returns at most 1000 documents. */
const MAX_GET = 1000;

function conditions(cond: Cond): Doc {
  const _ = db().command;
  const q: Doc = {};
  for (const [field, c] of Object.entries(cond)) {
    if ('gt' in c) q[field] = _.gt(c.gt);
    else if ('eq' in c) q[field] = _.eq(c.eq);
    // Mongo semantics on an array field: `$nin` matches when no element is the value, equality when one is.
    else if ('lacks' in c) q[field] = _.nin([c.lacks]);
    else q[field] = c.has;
  }
  return q;
}

function data(change: Change): Doc {
  const _ = db().command;
  const out: Doc = {};
  for (const [field, n] of Object.entries(change.inc ?? {})) out[field] = _.inc(n);
  // Objects go through _.set so they replace the field instead of merging into it ([CMD-DOC] update merges objects).
  for (const [field, v] of Object.entries(change.set ?? {})) out[field] = v !== null && typeof v === 'object' ? _.set(v) : v;
  if (change.push) {
    const { field, value, keepLast } = change.push;
    out[field] = keepLast === undefined ? _.push([value]) : _.push({ each: [value], slice: -keepLast });
  }
  if (change.pull) out[change.pull.field] = _.pull(change.pull.value);
  return out;
}

export function createGrantDocStore(): GrantDocStore & GrantQueries {
  const grants = () => db().collection(GRANTS);
  return {
    async get(id) {
      const res = await grants().doc(id).get();
      return (res.data as GrantDoc | null) ?? null;
    },
    async getMany(ids) {
      if (!ids.length) return [];
      const res = await grants().where({ _id: db().command.in([...ids]) }).limit(MAX_GET).get();
      return res.data as unknown as GrantDoc[];
    },
    insert(doc) {
      return insertOnce(grants(), doc as unknown as Doc & { _id: string });
    },
    async updateIf(id, cond, change) {
      // [UPDATE-DOC] a where-update answers { stats: { updated } }: the condition and the change are one atomic
      // write per document. Every change here sets `updatedAt`, so a match always changes the document.
      const res = await grants().where({ _id: id, ...conditions(cond) }).update({ data: data(change) });
      return res.stats.updated > 0;
    },
    async updateManyIf(ids, cond, change) {
      if (!ids.length) return 0;
      const res = await grants().where({ _id: db().command.in([...ids]), ...conditions(cond) }).update({ data: data(change) });
      return res.stats.updated;
    },
    async listByOpenid(openid) {
      // One document per registry template: a registry holds a few dozen at most, one page of 100 is enough.
      const res = await grants().where({ openid }).limit(100).get();
      return res.data as unknown as GrantDoc[];
    },
  };
}
