// Test layer (emulator/db): aggregation stages, `$` expression operators and $lookup across collections.
import { startHarness, sdkDb, type Harness, type SdkDb } from './harness';

let h: Harness;
let db: SdkDb;

beforeAll(async () => {
  h = await startHarness();
  db = sdkDb(h.url);
  h.service.insert('orders', [
    { _id: 'o1', user: 'u1', amount: 10, items: ['a', 'b'], at: new Date('2026-05-01T10:00:00Z') },
    { _id: 'o2', user: 'u1', amount: 30, items: ['b'], at: new Date('2026-05-02T10:00:00Z') },
    { _id: 'o3', user: 'u2', amount: 5, items: [], at: new Date('2026-05-03T10:00:00Z') },
  ]);
  h.service.insert('users', [
    { _id: 'u1', name: 'Alice' },
    { _id: 'u2', name: 'Bob' },
  ]);
  h.service.insert('many', Array.from({ length: 30 }, (_, i) => ({ i })));
});
afterAll(() => h.close());

const orders = () => db.collection('orders').aggregate();

describe('aggregate', () => {
  it('match, group with accumulators, sort, skip, limit, project', async () => {
    const _ = db.command;
    const $ = _.aggregate;
    const res = await orders()
      .match({ amount: _.gt(1) })
      .group({ _id: '$user', total: $.sum('$amount'), avg: $.avg('$amount'), n: $.sum(1), top: $.max('$amount') })
      .sort({ total: -1 })
      .skip(0)
      .limit(5)
      .project({ _id: 0, user: '$_id', total: 1, avg: 1, n: 1, top: 1 })
      .end();
    expect(res.list).toEqual([
      { user: 'u1', total: 40, avg: 20, n: 2, top: 30 },
      { user: 'u2', total: 5, avg: 5, n: 1, top: 5 },
    ]);
  });

  it('unwind, count, sortByCount, addFields and expression operators', async () => {
    const $ = db.command.aggregate;
    expect((await orders().unwind('$items').count('n').end()).list).toEqual([{ n: 3 }]);
    expect((await orders().unwind('$items').sortByCount('$items').end()).list).toEqual([{ _id: 'b', count: 2 }, { _id: 'a', count: 1 }]);
    const res = await orders()
      .addFields({
        label: $.concat([$.toUpper('$user'), '-', '$_id']),
        big: $.cond({ if: $.gte(['$amount', 10]), then: 'yes', else: 'no' }),
        n: $.size('$items'),
        day: $.dateToString({ date: '$at', format: '%Y-%m-%d' }),
        cents: $.multiply(['$amount', 100]),
      })
      .sort({ _id: 1 })
      .project({ label: 1, big: 1, n: 1, day: 1, cents: 1 })
      .end();
    expect(res.list[0]).toEqual({ _id: 'o1', label: 'U1-o1', big: 'yes', n: 2, day: '2026-05-01', cents: 1000 });
    expect(res.list[2]).toEqual({ _id: 'o3', label: 'U2-o3', big: 'no', n: 0, day: '2026-05-03', cents: 500 });
  });

  it('$lookup joins another collection', async () => {
    const res = await orders()
      .lookup({ from: 'users', localField: 'user', foreignField: '_id', as: 'who' })
      .replaceRoot({ newRoot: { id: '$_id', name: { $arrayElemAt: ['$who.name', 0] } } })
      .sort({ id: 1 })
      .end();
    expect(res.list).toEqual([{ id: 'o1', name: 'Alice' }, { id: 'o2', name: 'Alice' }, { id: 'o3', name: 'Bob' }]);
  });

  it('without a limit stage the answer holds at most 20 documents [COMM-AGG20]', async () => {
    expect((await db.collection('many').aggregate().match({}).end()).list).toHaveLength(20);
    expect((await db.collection('many').aggregate().match({}).limit(25).end()).list).toHaveLength(25);
  });

  it('Dates in stage values survive the EJSON round trip', async () => {
    const _ = db.command;
    const res = await orders().match({ at: _.gte(new Date('2026-05-02T00:00:00Z')) }).project({ at: 1 }).sort({ at: 1 }).end();
    expect(res.list.map((d: { _id: string }) => d._id)).toEqual(['o2', 'o3']);
    expect(res.list[0].at).toBeInstanceOf(Date);
  });

  it('a read never changes the stored documents, whether its stages run on them or on copies', async () => {
    const _ = db.command;
    const $ = _.aggregate;
    h.service.insert('nested', [
      { _id: 'n1', g: 'a', meta: { tags: ['x', 'y'], deep: { v: 1 } }, list: [{ k: 1 }, { k: 2 }] },
      { _id: 'n2', g: 'b', meta: { tags: [], deep: { v: 2 } }, list: [] },
    ]);
    const before = structuredClone(h.service.find('nested'));
    const agg = () => db.collection('nested').aggregate();
    // Only reading stages: mingo gets the stored documents themselves.
    const grouped = await agg().match({ g: _.neq('z') }).group({ _id: '$g', all: $.push('$$ROOT'), v: $.sum('$meta.deep.v') }).sort({ _id: 1 }).skip(0).limit(5).end();
    expect(grouped.list.map((d: { _id: string; v: number }) => [d._id, d.v])).toEqual([['a', 1], ['b', 2]]);
    expect((await agg().sortByCount('$g').end()).list).toHaveLength(2);
    expect((await agg().count('n').end()).list).toEqual([{ n: 2 }]);
    // Stages that build on their input: they run on copies. (mingo's $project deletes an excluded nested field from
    // the document it is given: with the stored ones, the second projection found `meta.deep` gone.)
    expect((await agg().project({ 'meta.deep': 0, list: 0 }).sort({ _id: 1 }).end()).list[0]).toEqual({ _id: 'n1', g: 'a', meta: { tags: ['x', 'y'] } });
    expect((await agg().project({ 'meta.deep.v': 1 }).end()).list[0]).toEqual({ _id: 'n1', meta: { deep: { v: 1 } } });
    await agg().addFields({ 'meta.deep.v': 99, g: 'changed' }).end();
    await agg().unwind('$list').addFields({ 'list.k': 0 }).end();
    await agg().replaceRoot({ newRoot: '$meta' }).addFields({ 'deep.v': -1 }).end();
    await agg().lookup({ from: 'nested', localField: 'g', foreignField: 'g', as: 'self' }).addFields({ 'self.g': 'x' }).end();
    expect(h.service.find('nested')).toEqual(before);
  });
});
