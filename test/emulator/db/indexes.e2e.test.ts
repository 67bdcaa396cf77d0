// Test layer (emulator/db): unique indexes from config/indexes.json on insert, update, upsert and commit [IDX-DOC].
import indexes from '../../../config/indexes.json';
import type { IndexConfig } from '../../../emulator/contracts';
import { startHarness, sdkDb, rejection, type Harness, type SdkDb } from './harness';

let h: Harness;
let db: SdkDb;
const DUP = /^(.*:fail .*)?E11000 duplicate key error collection: grants index: openid_template dup key: /;

beforeAll(async () => {
  h = await startHarness({ indexes: indexes.collections as IndexConfig });
  db = sdkDb(h.url);
  await db.createCollection('grants');
});
afterAll(() => h.close());
beforeEach(async () => {
  await db.collection('grants').where({ _id: db.command.exists(true) }).remove();
});

const grants = () => db.collection('grants');
const dupMessage = (e: { errMsg?: string; message: string }) => String(e.errMsg ?? e.message).replace(/^.*?(E11000)/, '$1');

it('insert: a second document with the same (openid, templateId) is refused, naming the index', async () => {
  await grants().add({ data: { openid: 'o-alice', templateId: 'T1', remaining: 1 } });
  await grants().add({ data: { openid: 'o-alice', templateId: 'T2', remaining: 1 } });
  const e = await rejection(() => grants().add({ data: { openid: 'o-alice', templateId: 'T1', remaining: 5 } }));
  expect(e.errCode).toBe(-502001);
  expect(dupMessage(e)).toBe('E11000 duplicate key error collection: grants index: openid_template dup key: { openid: "o-alice", templateId: "T1" }');
  expect(DUP.test(e.message)).toBe(true);
  expect((await grants().count()).total).toBe(2);
  const batch = await rejection(() => grants().add({ data: [{ openid: 'o-bob', templateId: 'T1' }, { openid: 'o-bob', templateId: 'T1' }] }));
  expect(dupMessage(batch)).toContain('index: openid_template');
  expect((await grants().where({ openid: 'o-bob' }).count()).total).toBe(0);
});

it('update and set into an existing key are refused; non-unique indexes are not enforced', async () => {
  await grants().add({ data: { _id: 'g1', openid: 'o-alice', templateId: 'T1', remaining: 1 } });
  await grants().add({ data: { _id: 'g2', openid: 'o-alice', templateId: 'T2', remaining: 1 } });
  const e = await rejection(() => grants().doc('g2').update({ data: { templateId: 'T1' } }));
  expect(dupMessage(e)).toContain('index: openid_template');
  const s = await rejection(() => grants().doc('g3').set({ data: { openid: 'o-alice', templateId: 'T2' } }));
  expect(dupMessage(s)).toContain('index: openid_template');
  // Non-unique indexes (template_openid) do not constrain: equal values are fine.
  expect((await grants().where({ openid: 'o-alice' }).update({ data: { remaining: 7 } })).stats.updated).toBe(2);
  expect((await grants().doc('g2').get()).data.templateId).toBe('T2');
});

it('a missing field counts as null: at most one document may lack it', async () => {
  await grants().add({ data: { openid: 'o-carol' } });
  const e = await rejection(() => grants().add({ data: { openid: 'o-carol', templateId: null } }));
  expect(dupMessage(e)).toBe('E11000 duplicate key error collection: grants index: openid_template dup key: { openid: "o-carol", templateId: null }');
  await grants().add({ data: { openid: 'o-dave' } });
});

it('upsert through the raw protocol is checked too', async () => {
  await grants().add({ data: { openid: 'o-alice', templateId: 'T1' } });
  const raw = await h.post({
    action: 'database.modifyDocument', collectionName: 'grants', queryType: 'WHERE', upsert: true, merge: true, multi: false,
    query: JSON.stringify({ openid: 'o-alice', templateId: 'T9' }), data: JSON.stringify({ $set: { templateId: 'T1' } }),
  });
  expect(raw.code).toBe('DATABASE_REQUEST_FAILED');
  expect(String(raw.message)).toMatch(/^E11000 duplicate key error collection: grants index: openid_template/);
});

it('a transaction sees the violation on its own write, and at commit when another writer took the key first', async () => {
  await grants().add({ data: { openid: 'o-alice', templateId: 'T1' } });
  const t1 = await db.startTransaction();
  const inTx = await rejection(() => t1.collection('grants').add({ data: { openid: 'o-alice', templateId: 'T1' } }));
  expect(dupMessage(inTx)).toContain('index: openid_template');
  await t1.rollback();

  const t2 = await db.startTransaction();
  await t2.collection('grants').add({ data: { _id: 'mine', openid: 'o-bob', templateId: 'T1' } });
  await grants().add({ data: { openid: 'o-bob', templateId: 'T1' } }); // a plain writer commits first
  const commit = await rejection(() => t2.commit());
  expect(commit.code).toBe('DATABASE_REQUEST_FAILED');
  expect(commit.message).toContain('E11000 duplicate key error collection: grants index: openid_template');
  expect(h.service.find('grants', { _id: 'mine' })).toEqual([]);
});

it('the programmatic insert() enforces the same indexes', () => {
  h.service.insert('grants', [{ openid: 'o-x', templateId: 'T' }]);
  expect(() => h.service.insert('grants', [{ openid: 'o-x', templateId: 'T' }])).toThrow(/E11000 .* index: openid_template/);
});

it('a multi-document update that moves documents onto one unique key is refused; other fields are not checked', async () => {
  await grants().add({ data: { _id: 'm1', openid: 'o-multi', templateId: 'A', remaining: 1 } });
  await grants().add({ data: { _id: 'm2', openid: 'o-multi', templateId: 'B', remaining: 1 } });
  const e = await rejection(() => grants().where({ _id: db.command.in(['m1', 'm2']) }).update({ data: { templateId: 'C' } }));
  expect(dupMessage(e)).toContain('index: openid_template');
  expect((await grants().doc('m1').get()).data.templateId).toBe('A');
  expect((await grants().where({ _id: db.command.in(['m1', 'm2']) }).update({ data: { remaining: 5 } })).stats.updated).toBe(2);
});
