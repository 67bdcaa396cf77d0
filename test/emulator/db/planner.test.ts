// Test layer (emulator/db): the query planner gives exactly what a forced full scan gives — reads (order, ties,
// offset, limit, projection), counts, multi-updates and removes — over random documents and random queries.
import fc from 'fast-check';
import { createClock } from '../../../emulator/clock';
import type { DatabaseService, Doc, IndexConfig } from '../../../emulator/contracts';
import { createDatabaseService } from '../../../emulator/db';
import { encodeEJSON } from '../../../emulator/db/ejson';
import { SecondaryIndexes } from '../../../emulator/db/secondary';

export const CONFIG: IndexConfig = {
  c: [
    { name: 'a_b', unique: false, keys: [{ name: 'a', direction: '1' }, { name: 'b', direction: '1' }] },
    { name: 's_n', unique: false, keys: [{ name: 's', direction: '1' }, { name: 'n', direction: '-1' }] },
    { name: 't', unique: false, keys: [{ name: 't', direction: '1' }] },
    // Three keys: also a composite view (bucket = the values of a and s, sorted by t).
    { name: 'a_s_t', unique: false, keys: [{ name: 'a', direction: '1' }, { name: 's', direction: '1' }, { name: 't', direction: '1' }] },
  ],
};

const D1 = new Date('2026-05-01T00:00:00Z');
const D2 = new Date('2026-05-02T00:00:00Z');
/** Few distinct values, so equality buckets hold several documents and sort keys tie often. */
const scalar = fc.constantFrom<unknown>('x', 'y', 'x2', null, true, D1, D2, 0, -0, 1, 2, -1);
const odd = fc.oneof(fc.array(scalar, { maxLength: 2 }), fc.constant({ k: 1 }), fc.constant(Number.NaN));
const FIELDS = ['a', 'b', 's', 'n', 't', 'c'] as const;
/** Documents with missing fields, nulls, numbers, strings, dates; with `withOdd`, some arrays, objects and NaN. */
const docOf = (withOdd: boolean): fc.Arbitrary<Doc> => {
  const value = withOdd ? fc.oneof({ weight: 12, arbitrary: scalar }, { weight: 1, arbitrary: odd }) : scalar;
  return fc.record(Object.fromEntries(FIELDS.map((f) => [f, value])), { requiredKeys: [] });
};

const eqCond = fc.oneof(scalar, scalar.map(($eq) => ({ $eq })), fc.array(scalar, { minLength: 1, maxLength: 3 }).map(($in) => ({ $in })));
const rangeCond = fc.oneof(
  fc.tuple(fc.constantFrom('$gt', '$gte', '$lt', '$lte'), scalar).map(([op, v]) => ({ [op]: v })),
  fc.tuple(fc.constantFrom('$gt', '$gte'), scalar, fc.constantFrom('$lt', '$lte'), scalar).map(([o1, v1, o2, v2]) => ({ [o1]: v1, [o2]: v2 })),
);
/** $ne / $nin: the planner uses them on an index's first key (every bucket but those values'). */
const neCond = fc.oneof(scalar.map(($ne) => ({ $ne })), fc.array(scalar, { minLength: 1, maxLength: 3 }).map(($nin) => ({ $nin })));
const cond = fc.oneof(eqCond, rangeCond, neCond, fc.boolean().map(($exists) => ({ $exists })));
/** Mostly an equality on an index's first key and a condition on its second key, plus random other conditions. */
const where = fc.tuple(
  fc.option(fc.tuple(fc.constantFrom('a', 's', 't'), fc.oneof({ weight: 3, arbitrary: eqCond }, { weight: 1, arbitrary: neCond })), { nil: undefined, freq: 4 }),
  fc.option(fc.tuple(fc.constantFrom('b', 'n'), fc.oneof(rangeCond, eqCond)), { nil: undefined, freq: 2 }),
  fc.dictionary(fc.constantFrom(...FIELDS), cond, { maxKeys: 2 }),
  fc.boolean(),
).map(([first, second, extra, and]): Doc => {
  const q: Doc = {};
  if (first) q[first[0]] = first[1];
  if (second) q[second[0]] = second[1];
  return and ? { $and: [q, extra] } : { ...extra, ...q };
});
/** Equality on the first two keys of a_s_t and a condition on its third, maybe ordered by the third (composite view). */
const compositeWhere = fc.tuple(eqCond, eqCond, fc.option(fc.oneof(rangeCond, eqCond), { nil: undefined }), fc.dictionary(fc.constantFrom('b', 'c', 'n'), cond, { maxKeys: 1 }))
  .map(([a, s, t, extra]): Doc => ({ a, s, ...(t === undefined ? {} : { t }), ...extra }));
/** Equality on a compound index's first key, maybe a range on its second, ordered by the second (a range scan). */
const rangeScan = fc.tuple(fc.constantFrom(['a', 'b'], ['s', 'n']), scalar, fc.option(rangeCond, { nil: undefined }), fc.constantFrom<1 | -1>(1, -1), fc.dictionary(fc.constantFrom('c', 't'), cond, { maxKeys: 1 }))
  .map(([[f, sk], v, r, dir, extra]) => ({ query: { $and: [{ [f as string]: v, ...(r ? { [sk as string]: r } : {}) }, extra] } as Doc, order: { [sk as string]: dir } as Doc }));
const order = fc.option(fc.oneof(
  fc.tuple(fc.constantFrom('b', 'n', 'b', 'n', 'a', 'c'), fc.constantFrom<1 | -1 | 'asc' | 'desc'>(1, -1, 'asc', 'desc')).map(([k, d]) => ({ [k]: d })),
  fc.constant({ b: -1, c: 1 }),
), { nil: undefined, freq: 3 });

type Step =
  | { kind: 'get'; query: Doc; order?: Doc; offset: number; limit: number; proj: boolean }
  | { kind: 'count'; query: Doc }
  | { kind: 'update'; query: Doc; set: Doc; multi: boolean }
  | { kind: 'remove'; query: Doc; multi: boolean }
  | { kind: 'insert'; doc: Doc }
  | { kind: 'replace'; id: string; doc: Doc; upsert: boolean };

const stepDoc = fc.oneof({ weight: 4, arbitrary: docOf(false) }, { weight: 1, arbitrary: docOf(true) });
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('get' as const), query: where, order, offset: fc.nat(3), limit: fc.integer({ min: 1, max: 8 }), proj: fc.boolean() }) },
  { weight: 4, arbitrary: fc.tuple(rangeScan, fc.nat(3), fc.integer({ min: 1, max: 8 })).map(([r, offset, limit]): Step => ({ kind: 'get', ...r, offset, limit, proj: false })) },
  { weight: 3, arbitrary: fc.tuple(compositeWhere, fc.option(fc.constantFrom<1 | -1>(1, -1), { nil: undefined }), fc.nat(3), fc.integer({ min: 1, max: 8 })).map(([query, dir, offset, limit]): Step => ({ kind: 'get', query, ...(dir === undefined ? {} : { order: { t: dir } }), offset, limit, proj: false })) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('count' as const), query: where }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('update' as const), query: where, set: stepDoc.filter((d) => Object.keys(d).length > 0), multi: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), query: where, multi: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('insert' as const), doc: stepDoc }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('replace' as const), id: fc.constantFrom('d1', 'd3', 'u1', 'u2'), doc: stepDoc, upsert: fc.boolean() }) },
);

const ctx = { envName: 'tixing-local', requestId: 'r' };
let nextId = 0;

function request(s: Step): Record<string, unknown> {
  const base = { collectionName: 'c', queryType: 'WHERE' };
  switch (s.kind) {
    case 'get':
      return { ...base, action: 'database.getDocument', query: encodeEJSON(s.query), offset: s.offset, limit: s.limit,
        ...(s.order ? { order: encodeEJSON(s.order) } : {}), ...(s.proj ? { projection: encodeEJSON({ b: 1, n: 1 }) } : {}) };
    case 'count':
      return { ...base, action: 'database.calculateDocument', query: encodeEJSON(s.query) };
    case 'update':
      return { ...base, action: 'database.modifyDocument', query: encodeEJSON(s.query), data: encodeEJSON({ $set: s.set }), multi: s.multi };
    case 'remove':
      return { ...base, action: 'database.removeDocument', query: encodeEJSON(s.query), multi: s.multi };
    case 'insert':
      return { ...base, action: 'database.insertDocument', data: [encodeEJSON({ _id: `i${nextId++}`, ...s.doc })] };
    case 'replace':
      return { ...base, action: 'database.modifyDocument', queryType: 'DOC', query: encodeEJSON({ _id: s.id }), data: encodeEJSON(s.doc), merge: false, upsert: s.upsert };
  }
}

async function outcome(svc: DatabaseService, params: Record<string, unknown>): Promise<unknown> {
  try {
    return { ok: await svc.handle(params, ctx) };
  } catch (e) {
    return { error: String((e as Error).message) };
  }
}

async function pair(): Promise<{ planned: DatabaseService; scan: DatabaseService; sec: SecondaryIndexes }> {
  const clock = createClock(Date.parse('2026-05-01T00:00:00Z'));
  const sec = new SecondaryIndexes(CONFIG, 4); // tiny SortedList chunks: splits and merges happen on small data
  const planned = await createDatabaseService({ clock, indexes: CONFIG, secondary: sec });
  const scan = await createDatabaseService({ clock, indexes: CONFIG, planner: false });
  return { planned, scan, sec };
}

/** The indexes rebuilt from scratch over the exported documents (natural order) equal the maintained ones. */
export function expectConsistent(svc: DatabaseService, sec: SecondaryIndexes, coll = 'c', config: IndexConfig = CONFIG): void {
  const fresh = new SecondaryIndexes(config);
  for (const d of svc.exportSnapshot().collections[coll] ?? []) fresh.put(coll, d._id as string, undefined, d);
  expect(sec.describe(coll)).toEqual(fresh.describe(coll));
}

const docsArb = fc.boolean().chain((withOdd) => fc.array(docOf(withOdd), { minLength: 5, maxLength: 40 }));

it('planned reads, counts and writes equal a forced full scan', async () => {
  await fc.assert(fc.asyncProperty(docsArb, fc.array(step, { minLength: 1, maxLength: 25 }), async (docs, steps) => {
    const { planned, scan, sec } = await pair();
    const seeded = docs.map((d, i) => ({ _id: `d${i}`, ...d }));
    for (const svc of [planned, scan]) svc.insert('c', seeded);
    for (const s of steps) {
      const params = request(s);
      const want = await outcome(scan, params);
      expect(await outcome(planned, params)).toEqual(want);
    }
    expect(planned.exportSnapshot()).toEqual(scan.exportSnapshot());
    expectConsistent(planned, sec);
    await planned.close();
    await scan.close();
  }), { numRuns: 500 });
});
