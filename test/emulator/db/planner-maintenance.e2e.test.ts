// Test layer (emulator/db): secondary indexes stay equal to a rebuild from the documents after every kind of write
// through the real wx-server-sdk — update of indexed fields, remove, set/replace, upsert, transaction commit and
// abort, import, reset — and after reopening a dataDir; planned reads equal mingo over all documents.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DatabaseService, Doc, IndexConfig } from '../../../emulator/contracts';
import { createDatabaseService } from '../../../emulator/db';
import { findDocs } from '../../../emulator/db/engine';
import { SecondaryIndexes } from '../../../emulator/db/secondary';
import { startHarness, sdkDb, type Harness, type SdkDb } from './harness';

const CFG: IndexConfig = {
  d: [
    { name: 'status_due', unique: false, keys: [{ name: 'status', direction: '1' }, { name: 'dueAt', direction: '1' }] },
    { name: 'claim_token', unique: false, keys: [{ name: 'claimToken', direction: '1' }] },
  ],
};
const QUERIES: { q: Doc; order?: Doc; limit?: number; offset?: number }[] = [
  { q: { status: 'pending' }, order: { dueAt: 1 }, limit: 3 },
  { q: { status: 'pending' }, order: { dueAt: -1 }, limit: 4, offset: 1 },
  { q: { status: 'pending', dueAt: { $lte: 3 } } },
  { q: { status: { $in: ['sending', 'sent'] } }, order: { dueAt: -1 } },
  { q: { status: null } },
  { q: { claimToken: 't1' } },
];

let h: Harness;
let sec: SecondaryIndexes;
let db: SdkDb;
const dirs: string[] = [];

beforeAll(async () => {
  sec = new SecondaryIndexes(CFG);
  h = await startHarness({ indexes: CFG, secondary: sec });
  db = sdkDb(h.url);
});
afterAll(async () => {
  await h.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function rebuilt(svc: DatabaseService): SecondaryIndexes {
  const fresh = new SecondaryIndexes(CFG);
  for (const d of svc.exportSnapshot().collections.d ?? []) fresh.put('d', d._id as string, undefined, d);
  return fresh;
}

/** The maintained indexes equal a rebuild, and every planned query answers what mingo over all documents does. */
async function check(svc: DatabaseService, indexes: SecondaryIndexes, sdk: SdkDb = db): Promise<void> {
  expect(indexes.describe('d')).toEqual(rebuilt(svc).describe('d'));
  const all = svc.exportSnapshot().collections.d ?? [];
  for (const { q, order, limit = 100, offset = 0 } of QUERIES) {
    let ref = sdk.collection('d').where(q);
    for (const [k, dir] of Object.entries(order ?? {})) ref = ref.orderBy(k, dir === 1 ? 'asc' : 'desc');
    const got = (await ref.skip(offset).limit(limit).get()).data;
    expect(got).toEqual(findDocs(all, q, { order, offset, limit }));
    expect((await sdk.collection('d').where(q).count()).total).toBe(findDocs(all, q).length);
  }
}

const seed = (n: number): Doc[] => Array.from({ length: n }, (_, i) => ({
  _id: `x${i}`, status: ['pending', 'sending', 'sent'][i % 3], dueAt: i % 4, ...(i % 5 === 0 ? { claimToken: 't1' } : {}),
}));

it('updates, removes, set, upsert keep the indexes exact', async () => {
  await db.createCollection('d');
  h.service.insert('d', seed(24));
  await check(h.service, sec);
  await db.collection('d').where({ status: 'pending', dueAt: db.command.lte(1) }).update({ data: { status: 'sending', claimToken: 't1' } });
  await check(h.service, sec);
  await db.collection('d').doc('x3').update({ data: { dueAt: 9 } });
  await db.collection('d').doc('x6').update({ data: { status: db.command.remove() } });
  await check(h.service, sec);
  await db.collection('d').where({ status: 'sent' }).remove();
  await check(h.service, sec);
  await db.collection('d').doc('x9').set({ data: { status: 'pending' } });
  await db.collection('d').doc('new1').set({ data: { status: 'pending', dueAt: 0 } });
  await db.collection('d').where({ _id: 'new2' }).update({ data: { status: 'sending', dueAt: 2 } });
  await db.collection('d').add({ data: { _id: 'x6b', status: 'pending', dueAt: 0 } });
  await check(h.service, sec);
});

it('transaction commit and abort keep the indexes exact', async () => {
  await db.runTransaction(async (tx: SdkDb) => {
    await tx.collection('d').doc('x4').update({ data: { status: 'pending', dueAt: -1 } });
    await tx.collection('d').doc('x7').remove();
    await tx.collection('d').doc('t-new').set({ data: { status: 'sending', dueAt: 5 } });
  });
  await check(h.service, sec);
  await expect(db.runTransaction(async (tx: SdkDb) => {
    await tx.collection('d').doc('x4').update({ data: { status: 'sent' } });
    await tx.rollback('no');
  })).rejects.toBe('no');
  expect(sec.describe('d').status_due?.['4:pending']?.ids).toContain('x4');
  await check(h.service, sec);
});

it('import and reset rebuild the indexes', async () => {
  h.service.importSnapshot({ collections: { d: seed(10).reverse() } });
  await check(h.service, sec);
  h.service.reset();
  expect(sec.describe('d')).toEqual({ status_due: {}, claim_token: {} });
  await db.createCollection('d');
  h.service.insert('d', seed(5));
  await check(h.service, sec);
});

it('reopening a dataDir rebuilds the indexes from the snapshot and the journal', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tixing-planner-'));
  dirs.push(dir);
  const first = await createDatabaseService({ clock: h.clock, dataDir: dir, indexes: CFG, log: () => {} });
  first.createCollection('d');
  first.insert('d', seed(12));
  await first.handle({ action: 'database.modifyDocument', collectionName: 'd', query: '{"status":"sent"}', data: '{"$set":{"status":"pending"}}', multi: true }, { envName: '', requestId: 'r' });
  // Not closed: the reopen replays the journal, as after a crash.
  const again = new SecondaryIndexes(CFG);
  const h2 = await startHarness({ clock: h.clock, dataDir: dir, indexes: CFG, secondary: again, log: () => {} });
  try {
    expect(again.describe('d').status_due?.['4:pending']?.ids).toHaveLength(8);
    await check(h2.service, again, sdkDb(h2.url));
  } finally {
    await h2.close();
    await first.close();
  }
});
