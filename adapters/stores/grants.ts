// Adapters (grants stores): the `grants` collection — the ledger primitive (conditional update) and reads.
import type { Change, Cond, GrantDocStore } from '../../core/grants/ledger';
import type { GrantDoc } from '../../core/grants/model';
import type { GrantQueries } from '../../core/grants/ports';
import { db, type Doc } from '../db';
import { insertOnce } from './grants-db';

export const GRANTS = 'grants';

function query(id: string, cond: Cond): Doc {
  const _ = db().command;
  const q: Doc = { _id: id };
  for (const [field, c] of Object.entries(cond)) {
    if ('gt' in c) q[field] = _.gt(c.gt);
    else if ('eq' in c) q[field] = _.eq(c.eq);
    // Mongo semantics: `$nin` on an array field matches when no element is in the list.
    else q[field] = _.nin([c.lacks]);
  }
  return q;
}

function data(change: Change): Doc {
  const _ = db().command;
  const out: Doc = {};
  for (const [field, n] of Object.entries(change.inc ?? {})) out[field] = _.inc(n);
  // Objects go through _.set so they replace the field instead of merging into it ([CMD-DOC] update merges objects).
  for (const [field, v] of Object.entries(change.set ?? {})) out[field] = v !== null && typeof v === 'object' ? _.set(v) : v;
  if (change.push) out[change.push.field] = _.push({ each: [change.push.value], slice: -change.push.keepLast });
  return out;
}

export function createGrantDocStore(): GrantDocStore & GrantQueries {
  const grants = () => db().collection(GRANTS);
  return {
    async get(id) {
      const res = await grants().doc(id).get();
      return (res.data as GrantDoc | null) ?? null;
    },
    insert(doc) {
      return insertOnce(grants(), doc as unknown as Doc & { _id: string });
    },
    async updateIf(id, cond, change) {
      // [UPDATE-DOC] a where-update answers { stats: { updated } }: the condition and the change are one atomic
      // write per document, and `updated` says whether it matched.
      const res = await grants().where(query(id, cond)).update({ data: data(change) });
      return res.stats.updated > 0;
    },
    async listByOpenid(openid) {
      // One document per registry template: a registry holds a few dozen at most, one page of 100 is enough.
      const res = await grants().where({ openid }).limit(100).get();
      return res.data as unknown as GrantDoc[];
    },
  };
}
