// Test layer (emulator/db): protocol details: TCB_CONTEXT_CNFG is read per request, request statistics, the
// action list, modifyAndReturnDoc and the older *InTransaction actions (answered in their API's shapes).
import { EJSON } from 'bson';
import { startHarness, sdkDb, type Harness } from './harness';

let one: Harness;
let two: Harness;

beforeAll(async () => {
  one = await startHarness();
  two = await startHarness();
});
afterAll(async () => {
  await one.close();
  await two.close();
});

it('wx-server-sdk reads TCB_CONTEXT_CNFG at request time: switching it redirects the next call', async () => {
  const db1 = sdkDb(one.url);
  await db1.createCollection('where');
  await db1.collection('where').add({ data: { _id: 'here' } });
  const db2 = sdkDb(two.url); // same initialised SDK, only the env variable changed
  await expect(db2.collection('where').doc('here').get()).rejects.toMatchObject({ errCode: -502005 });
  expect(one.service.stats()).toMatchObject({ requests: 2, byAction: { 'database.addCollection': 1, 'database.insertDocument': 1 }, byTarget: { 'database.addCollection where': 1, 'database.insertDocument where': 1 } });
  expect(two.service.stats()).toMatchObject({ requests: 1, byAction: { 'database.getDocument': 1 }, byTarget: { 'database.getDocument where': 1 } });
});

it('keeps the slowest requests, slowest first, with action, collection and the start of the query', async () => {
  const h = await startHarness();
  try {
    const db = sdkDb(h.url);
    await db.createCollection('slow');
    await db.collection('slow').add({ data: { _id: 'S', n: 0 } });
    for (let i = 0; i < 15; i++) await db.collection('slow').doc('S').get();
    // A plain write to a document a transaction holds waits for its commit: a request the service answers late.
    const tx = await db.startTransaction();
    await tx.collection('slow').doc('S').update({ data: { n: 1 } });
    const waiting = db.collection('slow').where({ _id: 'S', n: db.command.gte(0) }).update({ data: { late: true } });
    await new Promise((r) => setTimeout(r, 300));
    await tx.commit();
    await waiting;
    const slowest = h.service.stats().slowest;
    expect(slowest).toHaveLength(10); // SLOWEST_KEPT of the 19 requests
    expect(slowest[0]).toMatchObject({ action: 'database.modifyDocument', collection: 'slow' });
    expect(slowest[0]!.ms).toBeGreaterThanOrEqual(250);
    expect(slowest[0]!.query).toContain('"n":{"$gte":');
    expect(new Date(slowest[0]!.at).getTime()).toBeGreaterThan(Date.now() - 60_000);
    for (let i = 1; i < slowest.length; i++) expect(slowest[i]!.ms).toBeLessThanOrEqual(slowest[i - 1]!.ms);
    expect(slowest.slice(1).every((r) => r.ms < 250)).toBe(true);
  } finally {
    await h.close();
  }
});

it('lists every action it handles', () => {
  expect([...one.service.actions].sort()).toEqual([
    'database.abortTransaction', 'database.addCollection', 'database.aggregateDocuments', 'database.calculateDocument',
    'database.commitTransaction', 'database.deleteDocInTransaction', 'database.getDocument', 'database.getInTransaction',
    'database.insertDocument', 'database.modifyAndReturnDoc', 'database.modifyDocument', 'database.removeDocument',
    'database.startTransaction', 'database.updateDocInTransaction',
  ]);
});

it('modifyAndReturnDoc updates one matching document and returns it', async () => {
  one.service.insert('m', [{ _id: 'm1', n: 1, k: 'a' }, { _id: 'm2', n: 1, k: 'a' }]);
  const res = await one.post({
    action: 'database.modifyAndReturnDoc', collectionName: 'm', queryType: 'WHERE',
    query: JSON.stringify({ k: 'a' }), data: EJSON.stringify({ $inc: { n: 5 } }, { relaxed: false }),
  });
  const data = res.data as { updated: number; doc: string };
  expect(data.updated).toBe(1);
  expect(EJSON.parse(data.doc)).toEqual({ _id: 'm1', n: 6, k: 'a' });
  expect(one.service.find('m').map((d) => d.n)).toEqual([6, 1]);
});

it('the older *InTransaction actions work and answer in their shapes', async () => {
  one.service.insert('legacy', [{ _id: 'l1', v: 1 }]);
  const start = await one.post({ action: 'database.startTransaction' });
  const transactionId = start.transactionId as string;
  expect(transactionId).toMatch(/^[0-9a-f]{32}$/);
  const base = { collectionName: 'legacy', transactionId };
  const got = await one.post({ action: 'database.getInTransaction', _id: 'l1', ...base });
  expect(EJSON.parse(got.data as string)).toEqual({ _id: 'l1', v: 1 });
  const upd = await one.post({ action: 'database.updateDocInTransaction', _id: 'l1', data: '{"$set":{"v":2}}', ...base });
  expect(EJSON.parse(upd.updated as string)).toBe(1);
  const set = await one.post({ action: 'database.updateDocInTransaction', _id: 'l2', data: '{"v":3}', upsert: true, ...base });
  expect(JSON.parse(set.upserted as string)).toEqual([{ _id: 'l2' }]);
  const del = await one.post({ action: 'database.deleteDocInTransaction', _id: 'l1', ...base });
  expect(EJSON.parse(del.deleted as string)).toBe(1);
  expect(one.service.find('legacy')).toEqual([{ _id: 'l1', v: 1 }]);
  await one.post({ action: 'database.commitTransaction', transactionId });
  expect(one.service.find('legacy')).toEqual([{ _id: 'l2', v: 3 }]);
});

it('refuses __proto__ field names, bad _id values and non-object requests', async () => {
  await expect(one.service.handle(null as unknown as Record<string, unknown>, { envName: 'e', requestId: 'r' })).rejects.toMatchObject({ code: 'INVALID_PARAM' });
  const res = await one.post({ action: 'database.insertDocument', collectionName: 'legacy', data: ['{"__proto__":{"x":1}}'] });
  expect(res.code).toBe('INVALID_PARAM');
  for (const bad of ['{"_id":null}', '{"_id":[1]}', '{"_id":{"a":1}}', '{"_id":""}']) {
    expect((await one.post({ action: 'database.insertDocument', collectionName: 'legacy', data: [bad] })).code).toBe('INVALID_PARAM');
  }
});
