// Test layer (emulator/db): per-document atomicity under concurrent SDK calls.
import { startHarness, sdkDb, type Harness, type SdkDb } from './harness';

let h: Harness;
let db: SdkDb;

beforeAll(async () => {
  h = await startHarness();
  db = sdkDb(h.url);
  await db.createCollection('c');
});
afterAll(() => h.close());

it('20 concurrent _.inc(1) give exactly 20', async () => {
  const _ = db.command;
  await db.collection('c').add({ data: { _id: 'counter', n: 0 } });
  const results = await Promise.all(
    Array.from({ length: 20 }, () => db.collection('c').doc('counter').update({ data: { n: _.inc(1) } })),
  );
  expect(results.every((r: { stats: { updated: number } }) => r.stats.updated === 1)).toBe(true);
  expect((await db.collection('c').doc('counter').get()).data.n).toBe(20);
});

it('a conditional decrement never goes negative under 30 concurrent calls', async () => {
  const _ = db.command;
  await db.collection('c').add({ data: { _id: 'stock', n: 10 } });
  const results = await Promise.all(
    Array.from({ length: 30 }, () =>
      db.collection('c').where({ _id: 'stock', n: _.gt(0) }).update({ data: { n: _.inc(-1) } }),
    ),
  );
  const won = results.filter((r: { stats: { updated: number } }) => r.stats.updated === 1).length;
  expect(won).toBe(10);
  expect((await db.collection('c').doc('stock').get()).data.n).toBe(0);
});

it('concurrent add() with the same custom _id: exactly one wins', async () => {
  const outcomes = await Promise.allSettled(
    Array.from({ length: 10 }, (_, i) => db.collection('c').add({ data: { _id: 'once', i } })),
  );
  expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
  expect(h.service.find('c', { _id: 'once' })).toHaveLength(1);
});
