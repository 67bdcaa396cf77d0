// Test layer (emulator/db): every query operator of docs/platform-facts.md §6.4 and the read options, via the real SDK.
import { startHarness, sdkDb, rejection, type Harness, type SdkDb } from './harness';

let h: Harness;
let db: SdkDb;
const at = (iso: string): Date => new Date(`${iso}T00:00:00Z`);

beforeAll(async () => {
  h = await startHarness();
  db = sdkDb(h.url);
  h.service.insert('q', [
    { _id: 'a', n: 1, s: 'apple', tags: ['x', 'y'], items: [{ k: 1 }, { k: 5 }], nested: { v: 1 }, at: at('2026-01-01') },
    { _id: 'b', n: 5, s: 'Banana', tags: ['x'], items: [{ k: 2 }], nested: { v: 2 }, at: at('2026-02-01') },
    { _id: 'c', n: 10, s: 'cherry', tags: [], flag: true, at: at('2026-03-01') },
    { _id: 'd', n: 7, s: 'date', tags: ['y', 'z', 'x'], m: 9, at: at('2026-06-01') },
  ]);
  h.service.insert('big', Array.from({ length: 1100 }, (_, i) => ({ _id: `b${String(i).padStart(4, '0')}`, i })));
});
afterAll(() => h.close());

async function ids(where: unknown): Promise<string[]> {
  const res = await db.collection('q').where(where).get();
  return (res.data as { _id: string }[]).map((d) => d._id).sort();
}

describe('query operators', () => {
  it('comparison: eq, neq, lt, lte, gt, gte, in, nin', async () => {
    const _ = db.command;
    expect(await ids({ n: _.eq(5) })).toEqual(['b']);
    expect(await ids({ n: 5 })).toEqual(['b']);
    expect(await ids({ n: _.neq(5) })).toEqual(['a', 'c', 'd']);
    expect(await ids({ n: _.lt(5) })).toEqual(['a']);
    expect(await ids({ n: _.lte(5) })).toEqual(['a', 'b']);
    expect(await ids({ n: _.gt(7) })).toEqual(['c']);
    expect(await ids({ n: _.gte(7) })).toEqual(['c', 'd']);
    expect(await ids({ n: _.in([1, 10, 99]) })).toEqual(['a', 'c']);
    expect(await ids({ n: _.nin([1, 10]) })).toEqual(['b', 'd']);
  });

  it('array: all, elemMatch, size; element: exists; evaluation: mod', async () => {
    const _ = db.command;
    expect(await ids({ tags: _.all(['x', 'y']) })).toEqual(['a', 'd']);
    expect(await ids({ items: _.elemMatch({ k: _.gt(3) }) })).toEqual(['a']);
    expect(await ids({ tags: _.size(1) })).toEqual(['b']);
    expect(await ids({ flag: _.exists(true) })).toEqual(['c']);
    expect(await ids({ flag: _.exists(false) })).toEqual(['a', 'b', 'd']);
    expect(await ids({ n: _.mod([5, 0]) })).toEqual(['b', 'c']);
    expect(await ids({ tags: 'z' })).toEqual(['d']);
  });

  it('logic: and, or, nor, not (top level and field level), expr', async () => {
    const _ = db.command;
    const $ = _.aggregate;
    expect(await ids(_.and([{ n: _.gt(1) }, { n: _.lt(10) }]))).toEqual(['b', 'd']);
    expect(await ids({ n: _.gt(1).and(_.lt(10)) })).toEqual(['b', 'd']);
    expect(await ids(_.or([{ n: 1 }, { s: 'date' }]))).toEqual(['a', 'd']);
    expect(await ids({ n: _.eq(1).or(_.eq(10)) })).toEqual(['a', 'c']);
    expect(await ids(_.nor([{ n: 1 }, { n: 5 }]))).toEqual(['c', 'd']);
    expect(await ids({ n: _.not(_.gt(5)) })).toEqual(['a', 'b']);
    expect(await ids(_.expr($.gt(['$m', '$n'])))).toEqual(['d']);
  });

  it('RegExp (db.RegExp and JS), nested fields, dates and serverDate in a query', async () => {
    const _ = db.command;
    expect(await ids({ s: db.RegExp({ regexp: '^b', options: 'i' }) })).toEqual(['b']);
    expect(await ids({ s: /an/ })).toEqual(['b']);
    expect(await ids({ 'nested.v': 2 })).toEqual(['b']);
    expect(await ids({ nested: { v: 1 } })).toEqual(['a']);
    expect(await ids({ at: _.gte(at('2026-02-01')) })).toEqual(['b', 'c', 'd']);
    // The clock starts at 2026-05-01: serverDate() resolves to the emulator's clock, not the host's.
    expect(await ids({ at: _.lt(db.serverDate()) })).toEqual(['a', 'b', 'c']);
    h.clock.advance(60 * 86_400_000);
    expect(await ids({ at: _.lt(db.serverDate()) })).toEqual(['a', 'b', 'c', 'd']);
    expect(await ids({ at: _.lt(db.serverDate({ offset: -90 * 86_400_000 })) })).toEqual(['a', 'b', 'c']);
  });
});

describe('read options', () => {
  it('orderBy, skip, limit and field', async () => {
    const res = await db.collection('q').orderBy('n', 'desc').skip(1).limit(2).field({ n: true }).get();
    expect(res.data).toEqual([{ _id: 'd', n: 7 }, { _id: 'b', n: 5 }]);
    const two = await db.collection('q').orderBy('flag', 'desc').orderBy('n', 'desc').field({ s: false, at: false, tags: false, items: false, nested: false }).get();
    expect(two.data.map((d: { _id: string }) => d._id)).toEqual(['c', 'd', 'b', 'a']);
    expect(two.data[0]).toEqual({ _id: 'c', n: 10, flag: true });
  });

  it('limit defaults to 100 and is capped at 1000 (SDK and server)', async () => {
    expect((await db.collection('big').get()).data).toHaveLength(100);
    expect((await db.collection('big').limit(1000).get()).data).toHaveLength(1000);
    expect((await db.collection('big').limit(5000).get()).data).toHaveLength(1000);
    const raw = await h.post({ action: 'database.getDocument', collectionName: 'big', queryType: 'WHERE', limit: 5000 });
    expect((raw.data as { list: unknown[] }).list).toHaveLength(1000);
    const page = await db.collection('big').orderBy('i', 'asc').skip(1050).limit(100).get();
    expect(page.data.map((d: { i: number }) => d.i)).toEqual(Array.from({ length: 50 }, (_, i) => 1050 + i));
  });

  it('count, with and without where', async () => {
    const _ = db.command;
    expect((await db.collection('big').count()).total).toBe(1100);
    expect((await db.collection('q').where({ n: _.gt(4) }).count()).total).toBe(3);
  });

  it('doc().get(): found, field(), missing (throws by default, null with throwOnNotFound:false)', async () => {
    expect((await db.collection('q').doc('b').get()).data).toMatchObject({ _id: 'b', n: 5, s: 'Banana' });
    expect((await db.collection('q').doc('b').field({ s: true }).get()).data).toEqual({ _id: 'b', s: 'Banana' });
    const e = await rejection(() => db.collection('q').doc('zz').get());
    expect(e.message).toContain('document with _id zz does not exist');
    const lenient = sdkDb(h.url, { throwOnNotFound: false });
    expect((await lenient.collection('q').doc('zz').get()).data).toBeNull();
  });

  it('Dates and numbers round-trip through canonical EJSON', async () => {
    const when = new Date('2026-05-06T07:08:09.123Z');
    const { _id } = await db.collection('q').add({ data: { when, big: 12345678901, f: 1.5, neg: -3, nil: null } });
    const got = (await db.collection('q').doc(_id).get()).data;
    expect(got.when).toBeInstanceOf(Date);
    expect(got.when.getTime()).toBe(when.getTime());
    expect(got).toMatchObject({ big: 12345678901, f: 1.5, neg: -3, nil: null });
    const raw = await h.post({ action: 'database.getDocument', collectionName: 'q', queryType: 'DOC', query: JSON.stringify({ _id }) });
    const line = (raw.data as { list: string[] }).list[0] as string;
    expect(line).toContain('"$date":{"$numberLong":"' + when.getTime() + '"}');
    expect(line).toContain('"big":{"$numberLong":"12345678901"}');
    expect(line).toContain('"f":{"$numberDouble":"1.5"}');
    await db.collection('q').doc(_id).remove();
  });
});
