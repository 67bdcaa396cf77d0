// Test layer (emulator/db): every update operator of docs/platform-facts.md §6.4 and add/set/update/remove, via the real SDK.
import { rejection, startHarness, sdkDb, type Harness, type SdkDb } from './harness';

let h: Harness;
let db: SdkDb;

beforeAll(async () => {
  h = await startHarness();
  db = sdkDb(h.url);
  await db.createCollection('u');
});
afterAll(() => h.close());

async function put(doc: Record<string, unknown>): Promise<string> {
  return (await db.collection('u').add({ data: doc }))._id as string;
}
async function read(id: string): Promise<Record<string, unknown>> {
  return (await db.collection('u').doc(id).get()).data as Record<string, unknown>;
}
async function upd(id: string, data: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await db.collection('u').doc(id).update({ data });
  expect(res.stats.updated).toBe(1);
  return read(id);
}

describe('update operators', () => {
  it('set, remove, inc, mul, max, min, rename, bit, nested plain fields', async () => {
    const _ = db.command;
    const id = await put({ a: 1, b: 2, c: 3, d: 10, e: 4, f: 'x', g: 12, nested: { k: 1, j: 1 } });
    const doc = await upd(id, {
      a: _.set({ z: 1 }), b: _.remove(), c: _.inc(2), d: _.mul(3), e: _.max(9), f: _.rename('f2'),
      g: _.bit({ and: 10 }), nested: { k: 2 }, h: _.min(-1),
    });
    expect(doc).toEqual({ _id: id, a: { z: 1 }, c: 5, d: 30, e: 9, f2: 'x', g: 8, nested: { k: 2, j: 1 }, h: -1 });
    expect(await upd(id, { e: _.min(3), c: _.inc(-5) })).toMatchObject({ e: 3, c: 0 });
  });

  it('array operators: push (each/position/slice/sort), pull, pullAll, pop, shift, unshift, addToSet', async () => {
    const _ = db.command;
    const id = await put({ p: [1, 2, 3], q: [5, 1, 6, 2], r: [1, 2, 1, 3], s: [1, 2, 3], t: [1, 2, 3], u: [2], v: [1] });
    let doc = await upd(id, {
      p: _.push([4]), q: _.pull(_.gt(4)), r: _.pullAll([1]), s: _.pop(), t: _.shift(), u: _.unshift([0, 1]),
      v: _.addToSet(1),
    });
    expect(doc).toMatchObject({ p: [1, 2, 3, 4], q: [1, 2], r: [2, 3], s: [1, 2], t: [2, 3], u: [0, 1, 2], v: [1] });
    doc = await upd(id, {
      p: _.push({ each: [9, 0], position: 1 }), q: _.push({ each: [7, 3], sort: 1, slice: -3 }), v: _.addToSet({ each: [1, 2, 3] }),
    });
    expect(doc).toMatchObject({ p: [1, 9, 0, 2, 3, 4], q: [2, 3, 7], v: [1, 2, 3] });
    doc = await upd(id, { v: _.addToSet({ $each: [3, 4] }), 'p.0': 100, r: _.pull(3) });
    expect(doc).toMatchObject({ v: [1, 2, 3, 4], p: [100, 9, 0, 2, 3, 4], r: [2] });
  });

  it('serverDate() is the emulator clock (plus offset) in add, update and set', async () => {
    const now = h.clock.now();
    const id = await put({ created: db.serverDate() });
    const doc = await upd(id, { later: db.serverDate({ offset: 60_000 }) });
    expect((doc.created as Date).getTime()).toBeGreaterThanOrEqual(now);
    expect((doc.created as Date).getTime()).toBeLessThan(now + 5_000);
    expect((doc.later as Date).getTime() - (doc.created as Date).getTime()).toBeGreaterThanOrEqual(60_000);
    h.clock.advance(3_600_000);
    await db.collection('u').doc(id).set({ data: { at: db.serverDate() } });
    expect(((await read(id)).at as Date).getTime()).toBeGreaterThanOrEqual(now + 3_600_000);
  });

  it('an update that changes nothing still counts the matched doc (as CloudBase does); a missing doc reports 0', async () => {
    const _ = db.command;
    const id = await put({ a: 1 });
    expect((await db.collection('u').doc(id).update({ data: { a: 1 } })).stats.updated).toBe(1);
    expect((await db.collection('u').doc('nope').update({ data: { a: _.inc(1) } })).stats.updated).toBe(0);
  });
});

describe('add, set, update, remove', () => {
  it('add with auto and custom _id; set replaces and creates; doc remove', async () => {
    const auto = await put({ k: 'auto' });
    expect(auto).toMatch(/^[0-9a-f]{32}$/);
    const res = await db.collection('u').add({ data: { _id: 'custom-1', k: 'c', keep: true } });
    expect(res._id).toBe('custom-1');
    const set = await db.collection('u').doc('custom-1').set({ data: { k: 'replaced' } });
    expect(set.stats).toEqual({ updated: 1, created: 0 });
    expect(await read('custom-1')).toEqual({ _id: 'custom-1', k: 'replaced' });
    const created = await db.collection('u').doc('custom-2').set({ data: { k: 'new' } });
    expect(created.stats).toEqual({ updated: 0, created: 1 });
    expect(await read('custom-2')).toEqual({ _id: 'custom-2', k: 'new' });
    expect((await db.collection('u').doc('custom-2').remove()).stats.removed).toBe(1);
    expect((await db.collection('u').doc('custom-2').remove()).stats.removed).toBe(0);
  });

  it('where().update() is multi by default; multi:false updates one; where().remove() removes all matches', async () => {
    const _ = db.command;
    await db.collection('u').add({ data: [{ grp: 'w', n: 1 }, { grp: 'w', n: 2 }, { grp: 'w', n: 3 }] });
    expect((await db.collection('u').where({ grp: 'w' }).update({ data: { seen: true } })).stats.updated).toBe(3);
    expect((await db.collection('u').where({ grp: 'w' }).update({ data: { n: _.inc(10) }, multi: false })).stats.updated).toBe(1);
    const ns = (await db.collection('u').where({ grp: 'w' }).orderBy('n', 'asc').get()).data.map((d: { n: number }) => d.n);
    expect(ns).toEqual([2, 3, 11]);
    expect((await db.collection('u').where({ grp: 'w', n: _.lt(5) }).remove()).stats.removed).toBe(2);
    expect((await db.collection('u').where({ grp: 'w' }).count()).total).toBe(1);
  });

  it('upsert through the raw protocol: DOC and WHERE (equality fields seed the new doc)', async () => {
    const body = (query: object, data: object, extra: object) => ({
      action: 'database.modifyDocument', collectionName: 'u', query: JSON.stringify(query), data: JSON.stringify(data), upsert: true, ...extra,
    });
    const a = await h.post(body({ _id: 'up-1' }, { $inc: { n: 1 } }, { queryType: 'DOC', merge: true, multi: false }));
    expect(a.data).toEqual({ updated: 0, upsert_id: 'up-1' });
    const b = await h.post(body({ _id: 'up-1' }, { $inc: { n: 1 } }, { queryType: 'DOC', merge: true, multi: false }));
    expect(b.data).toEqual({ updated: 1, upsert_id: null });
    expect(await read('up-1')).toEqual({ _id: 'up-1', n: 2 });
    const c = await h.post(body({ key: 'k1', n: { $gt: 0 } }, { $set: { v: 1 } }, { queryType: 'WHERE', merge: true }));
    const upsertId = (c.data as { upsert_id: string }).upsert_id;
    expect(await read(upsertId)).toEqual({ _id: upsertId, key: 'k1', v: 1 });
  });
});

describe('multi-document updates by id list (the dispatcher\'s batched writes)', () => {
  it('an _id $in update touches exactly those documents and still applies the rest of the query', async () => {
    const _ = db.command;
    const ids = await Promise.all([1, 2, 3, 4].map((n) => put({ n, state: n === 2 ? 'done' : 'open' })));
    const res = await db.collection('u').where({ _id: _.in([ids[0], ids[1], ids[2], 'missing-id']), state: 'open' }).update({ data: { n: _.inc(10), state: 'sent' } });
    expect(res.stats.updated).toBe(2);
    expect((await read(ids[0] as string)).n).toBe(11);
    expect(await read(ids[1] as string)).toMatchObject({ n: 2, state: 'done' });
    expect(await read(ids[2] as string)).toMatchObject({ n: 13, state: 'sent' });
    expect(await read(ids[3] as string)).toMatchObject({ n: 4, state: 'open' });
  });

  it('a multi-document update may not change _id', async () => {
    const ids = await Promise.all([1, 2].map((n) => put({ n, tag: 'rename-me' })));
    const e = await rejection(() => db.collection('u').where({ tag: 'rename-me' }).update({ data: { _id: 'same' } }));
    expect(e).toMatchObject({ errCode: -501007 });
    expect(e.errMsg).toMatch(/不能更新_id的值/);
    expect((await read(ids[0] as string)).n).toBe(1);
  });
});
