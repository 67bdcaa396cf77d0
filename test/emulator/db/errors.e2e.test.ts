// Test layer (emulator/db): CloudBase error shapes as the real SDK surfaces them, and raw-protocol errors.
import { startHarness, sdkDb, rejection, type Harness, type SdkDb } from './harness';

let h: Harness;
let db: SdkDb;

beforeAll(async () => {
  h = await startHarness();
  db = sdkDb(h.url);
  await db.createCollection('e');
});
afterAll(() => h.close());

describe('SDK-visible errors', () => {
  it('a missing collection is errCode -502005 for every operation', async () => {
    const _ = db.command;
    const c = db.collection('nope');
    const calls = [
      () => c.get(), () => c.count(), () => c.doc('x').get(), () => c.add({ data: { a: 1 } }),
      () => c.doc('x').update({ data: { a: 1 } }), () => c.doc('x').set({ data: { a: 1 } }),
      () => c.where({ a: 1 }).remove(), () => c.where({ a: _.gt(1) }).update({ data: { a: 1 } }),
    ];
    for (const call of calls) {
      const e = await rejection(call);
      expect(e.errCode).toBe(-502005);
      expect(e.message).toContain('Db or Table not exist: nope');
    }
    // The SDK's aggregate wrapper keeps the TcbError (code) but reports errCode -1.
    const agg = await rejection(() => c.aggregate().match({}).end());
    expect(agg).toMatchObject({ code: 'DATABASE_COLLECTION_NOT_EXIST', errCode: -1 });
  });

  it('createCollection of an existing collection fails with DATABASE_COLLECTION_ALREADY_EXIST', async () => {
    const e = await rejection(() => db.createCollection('e'));
    expect(e.message).toContain('Table exist: e');
    const raw = await h.post({ action: 'database.addCollection', collectionName: 'e' });
    expect(raw.code).toBe('DATABASE_COLLECTION_ALREADY_EXIST');
  });

  it('a duplicate custom _id is an E11000 error (errCode -502001)', async () => {
    await db.collection('e').add({ data: { _id: 'dup', a: 1 } });
    const e = await rejection(() => db.collection('e').add({ data: { _id: 'dup', a: 2 } }));
    expect(e.errCode).toBe(-502001);
    expect(e.message).toContain('E11000 duplicate key error collection: e index: _id_ dup key: { _id: "dup" }');
    expect((await db.collection('e').doc('dup').get()).data.a).toBe(1);
  });

  it('a geo query with an out-of-range point is refused with DATABASE_REQUEST_FAILED', async () => {
    // The SDK checks centerSphere itself; a raw request reaches the server's own check.
    const raw = await h.post({
      action: 'database.getDocument', collectionName: 'e', queryType: 'WHERE', query: '{"loc":{"$geoWithin":{"$centerSphere":[[-288,30],0.001]}}}',
    });
    expect(raw.code).toBe('DATABASE_REQUEST_FAILED');
    expect(String(raw.message)).toContain('out of bounds');
  });

  it('an invalid update (changing _id, conflicting paths) fails without changing the document', async () => {
    const _ = db.command;
    await db.collection('e').add({ data: { _id: 'keep', n: 1 } });
    const e = await rejection(() => db.collection('e').doc('keep').update({ data: { n: _.inc(1), 'n.x': 1 } }));
    expect(e.errCode).toBe(-502001);
    const raw = await h.post({
      action: 'database.modifyDocument', collectionName: 'e', queryType: 'DOC', query: '{"_id":"keep"}', data: '{"$set":{"_id":"other"}}',
    });
    expect(raw.code).toBe('DATABASE_REQUEST_FAILED');
    expect(raw.message).toMatch(/_id/);
    expect((await db.collection('e').doc('keep').get()).data).toEqual({ _id: 'keep', n: 1 });
  });
});

describe('raw protocol errors (the service never crashes)', () => {
  it('unknown action → INVALID_ACTION', async () => {
    const raw = await h.post({ action: 'database.dropEverything', collectionName: 'e' });
    expect(raw).toMatchObject({ code: 'INVALID_ACTION', message: "unknown database action 'database.dropEverything'" });
    expect(raw.requestId).toEqual(expect.any(String));
  });

  it('bad EJSON, wrong types and unknown operators → INVALID_PARAM / DATABASE_INVALID_OPERRATOR', async () => {
    const base = { action: 'database.getDocument', collectionName: 'e', queryType: 'WHERE' };
    expect((await h.post({ ...base, query: '{"a":' })).code).toBe('INVALID_PARAM');
    expect((await h.post({ ...base, query: '{"a":{"$oid":"x"}}' })).code).toBe('INVALID_PARAM');
    expect((await h.post({ ...base, query: '{"a":{"$date":"not a date"}}' })).code).toBe('INVALID_PARAM');
    expect((await h.post({ ...base, query: 42 })).code).toBe('INVALID_PARAM');
    expect((await h.post({ ...base, limit: -1 })).code).toBe('INVALID_PARAM');
    expect((await h.post({ ...base, query: '{"a":{"$frobnicate":1}}' })).code).toBe('DATABASE_INVALID_OPERRATOR');
    expect((await h.post({ action: 'database.insertDocument', collectionName: 'e', data: ['{"a":1', '{}'] })).code).toBe('INVALID_PARAM');
    expect((await h.post({ action: 'database.insertDocument', collectionName: 'e', data: 'nope' })).code).toBe('INVALID_PARAM');
    expect((await h.post({ action: 'database.modifyDocument', collectionName: 'e', query: '{}', data: '{"$where":1}' })).code).toBe('DATABASE_INVALID_OPERRATOR');
    expect((await h.post({ action: 'database.aggregateDocuments', collectionName: 'e', stages: [{ stageKey: '$out', stageValue: '"x"' }] })).code).toBe('DATABASE_INVALID_OPERRATOR');
    expect((await h.post({ action: 'database.commitTransaction', transactionId: 'no-such-tx' })).code).toBe('DATABASE_TRANSACTION_FAIL');
    expect((await h.post({ action: 'database.getDocument' })).code).toBe('INVALID_PARAM');
    expect((await h.post({})).code).toBe('INVALID_ACTION');
    const ok = await h.post({ ...base, query: '{"a":{"$numberInt":"2"}}' });
    expect(ok.data).toEqual({ list: [], limit: 100, offset: 0 });
  });
});
