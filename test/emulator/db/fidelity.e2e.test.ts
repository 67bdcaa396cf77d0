// Test layer (emulator/db): answers where mingo alone differs from CloudBase (issue 12), through the real SDK.
import { ENV_ID } from '../../../emulator/runner/env';
import { startHarness, sdkDb, rejection, type Harness, type SdkDb } from './harness';

let h: Harness;
let db: SdkDb;

beforeAll(async () => {
  h = await startHarness();
  db = sdkDb(h.url);
  h.service.insert('shelf', [
    { _id: 'words', tags: ['Go', 'Rust'] },
    { _id: 'numbers', tags: [1, 5, 9] },
    { _id: 'things', tags: [{ value: 2 }, { value: 7 }] },
    { _id: 'bare', label: 'no tags at all' },
  ]);
  h.service.insert('dates', [{ _id: 'd', at: new Date('2019-05-14T09:30:00Z'), s: 'héllo wörld' }]);
});
afterAll(() => h.close());

/** @cloudbase/node-sdk, which wx-server-sdk wraps: it also exposes updateAndReturn and db.ObjectId. */
function nodeSdkDb(): SdkDb {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tcb = require('@cloudbase/node-sdk') as { init(c: Record<string, unknown>): { database(): SdkDb } };
  return tcb.init({ env: ENV_ID }).database();
}

const ids = (res: { data: { _id: string }[] }): string[] => res.data.map((d) => d._id).sort();

describe('elemMatch', () => {
  it('criteria on a field only look at elements that are objects', async () => {
    const _ = db.command;
    expect(ids(await db.collection('shelf').where({ tags: _.elemMatch({ value: _.exists(true) }) }).get())).toEqual(['things']);
    expect(ids(await db.collection('shelf').where({ tags: _.elemMatch({ value: _.mod([4, 3]) }) }).get())).toEqual(['things']);
  });

  it('criteria on the value compare elements of the same type only', async () => {
    const _ = db.command;
    expect(ids(await db.collection('shelf').where({ tags: _.elemMatch(_.gt(4)) }).get())).toEqual(['numbers']);
  });
});

describe('jsonSchema', () => {
  it('matches the documents that satisfy the schema', async () => {
    const _ = db.command;
    const res = await db.collection('shelf').where(_.jsonSchema({ required: ['tags'] })).get();
    expect(ids(res)).toEqual(['numbers', 'things', 'words']);
  });

  it('works inside nor', async () => {
    const _ = db.command;
    const res = await db.collection('shelf').where(_.nor([_.jsonSchema({ required: ['tags'] })])).get();
    expect(ids(res)).toEqual(['bare']);
  });
});

describe('aggregation expression operators', () => {
  const project = async (fields: Record<string, unknown>): Promise<Record<string, unknown>> =>
    (await db.collection('dates').aggregate().project({ _id: 0, ...fields }).end()).list[0] as Record<string, unknown>;

  it('week counts Sunday-started weeks, the days before the first Sunday being week 0', async () => {
    const $ = db.command.aggregate;
    expect(await project({ w: $.week('$at') })).toEqual({ w: 19 });
    h.service.insert('weeks', [
      { _id: 1, at: new Date('2019-01-05T12:00:00Z') }, // Saturday before 2019's first Sunday
      { _id: 2, at: new Date('2019-01-06T12:00:00Z') }, // that Sunday
      { _id: 3, at: new Date('2017-01-01T12:00:00Z') }, // a year that starts on a Sunday
      { _id: 4, at: new Date('2019-05-13T20:00:00Z') }, // Tuesday the 14th in Shanghai
    ]);
    const res = await db.collection('weeks').aggregate().sort({ _id: 1 }).project({ _id: 0, w: $.week('$at'), sh: $.week({ date: '$at', timezone: 'Asia/Shanghai' }) }).end();
    expect(res.list.map((d: { w: number }) => d.w)).toEqual([0, 1, 1, 19]);
    expect(res.list[3].sh).toBe(19);
  });

  it('indexOfCP finds a substring in code points', async () => {
    const $ = db.command.aggregate;
    expect(await project({ i: $.indexOfCP(['$s', 'wö']), none: $.indexOfCP(['$s', 'xyz']) })).toEqual({ i: 6, none: -1 });
  });

  it('substr and substrBytes with length -1 take the rest of the string', async () => {
    const $ = db.command.aggregate;
    expect(await project({ a: $.substr(['$s', 7, -1]), b: $.substrBytes(['$s', 0, -1]) })).toEqual({ a: 'wörld', b: 'héllo wörld' });
  });
});

describe('writes', () => {
  it('add refuses a $-prefixed field name', async () => {
    await db.createCollection('w1');
    const e = await rejection(() => db.collection('w1').add({ data: { $_key: 1 } }));
    expect(e.errCode).toBe(-502001);
    expect((await db.collection('w1').count()).total).toBe(0);
  });
});

describe('updated counts matched documents', () => {
  beforeAll(async () => {
    await db.createCollection('same');
  });

  it('updateAndReturn with the value a document already has answers updated 1 and the document', async () => {
    await db.collection('same').add({ data: { _id: 'ur', k: 'ur', a: 1 } });
    const res = await nodeSdkDb().collection('same').where({ k: 'ur' }).updateAndReturn({ a: 1 });
    expect(res.updated).toBe(1);
    expect(res.doc).toMatchObject({ _id: 'ur', a: 1 });
  });

  it('set with identical content answers updated 1', async () => {
    await db.collection('same').add({ data: { _id: 'st', n: 2, tags: ['x'] } });
    const res = await db.collection('same').doc('st').set({ data: { n: 2, tags: ['x'] } });
    expect(res.stats.updated).toBe(1);
  });

  it('a where update that matches but changes nothing counts every matched document', async () => {
    await db.collection('same').add({ data: [{ grp: 'g', v: 5 }, { grp: 'g', v: 5 }] });
    const _ = db.command;
    const res = await db.collection('same').where({ grp: 'g' }).update({ data: { v: _.max(3) } });
    expect(res.stats.updated).toBe(2);
  });

  it('an update that matches nothing still answers 0', async () => {
    const res = await db.collection('same').where({ grp: 'nobody' }).update({ data: { v: 1 } });
    expect(res.stats.updated).toBe(0);
  });

  it('in a transaction, an update to the value the document has answers updated 1', async () => {
    await db.collection('same').add({ data: { _id: 'tx', a: 1 } });
    const tx = await db.startTransaction();
    const res = await tx.collection('same').doc('tx').update({ data: { a: 1 } });
    await tx.commit();
    expect(res.stats.updated).toBe(1);
  });
});

describe('update and remove need a query', () => {
  beforeAll(async () => {
    await db.createCollection('all');
    await db.collection('all').add({ data: [{ a: 1 }, { a: 2 }] });
  });

  it('update without where is refused with INVALID_PARAM and changes nothing', async () => {
    const e = await rejection(() => db.collection('all').update({ data: { a: 9 } }));
    expect(e.errCode).toBe(-501007);
    expect((await db.collection('all').where({ a: 9 }).count()).total).toBe(0);
  });

  it('remove without where is refused with INVALID_PARAM and removes nothing', async () => {
    const e = await rejection(() => db.collection('all').remove());
    expect(e.errCode).toBe(-501007);
    expect((await db.collection('all').count()).total).toBe(2);
  });

  it('where({}) still reaches every document', async () => {
    const res = await db.collection('all').where({}).update({ data: { seen: true } });
    expect(res.stats.updated).toBe(2);
  });
});

describe('transactions', () => {
  beforeAll(async () => {
    await db.createCollection('txf');
    await db.collection('txf').add({ data: [{ _id: 'one', v: 1 }] });
  });

  it('a write after commit answers DATABASE_TRANSACTION_FAIL: the transaction no longer exists', async () => {
    const tx = await db.startTransaction();
    await tx.commit();
    const e = await rejection(() => tx.collection('txf').doc('one').set({ data: { v: 2 } }));
    expect(e.errCode).toBe(-501001);
    expect(e.message).toContain('[ResourceUnavailable.TransactionNotExist] Transaction does not exist on the server');
    expect((await db.collection('txf').doc('one').get()).data.v).toBe(1);
  });

  it('the snapshot starts at the first read: a document added after startTransaction is visible', async () => {
    const tx = await db.startTransaction();
    await db.collection('txf').add({ data: { _id: 'late', v: 3 } });
    const seen = await tx.collection('txf').doc('late').get();
    await tx.commit();
    expect(seen.data).toEqual({ _id: 'late', v: 3 });
  });

  it('after the first read, later plain writes are not seen', async () => {
    const tx = await db.startTransaction();
    await tx.collection('txf').doc('one').get();
    await db.collection('txf').add({ data: { _id: 'later', v: 4 } });
    const e = await rejection(() => tx.collection('txf').doc('later').get());
    await tx.rollback();
    expect(e.message).toContain('does not exist');
  });

  it('a write conflict answers CloudBase\'s text', async () => {
    const t1 = await db.startTransaction();
    const t2 = await db.startTransaction();
    await t1.collection('txf').doc('one').update({ data: { v: 10 } });
    const e = await rejection(() => t2.collection('txf').doc('one').update({ data: { v: 20 } }));
    await t1.commit();
    expect(e.message).toContain(
      '[ResourceUnavailable.TransactionConflict] Transaction is conflict, maybe resource operated by others. Please check your request, but if the problem persists, contact us.',
    );
  });
});

describe('ObjectId outside _id', () => {
  it('is matched as an ObjectId and comes back as its hex string', async () => {
    await db.createCollection('oid');
    const hex = '5e7b474a5e54c773b58d7b39';
    const ndb = nodeSdkDb(); // wx-server-sdk does not expose db.ObjectId
    await ndb.collection('oid').add({ _id: 'o1', ref: ndb.ObjectId({ id: hex }), nested: { refs: [ndb.ObjectId({ id: hex })] } });
    const res = await db.collection('oid').where({ ref: ndb.ObjectId({ id: hex }) }).get();
    expect(res.data).toEqual([{ _id: 'o1', ref: hex, nested: { refs: [hex] } }]);
    expect((await db.collection('oid').where({ ref: hex }).count()).total).toBe(0); // stored as an ObjectId
  });
});

describe('updateAndReturn in a transaction', () => {
  it('takes a where and updates the first matching document of the transaction\'s view', async () => {
    await db.createCollection('txr');
    await db.collection('txr').add({ data: [{ _id: 'a', category: 'Web' }, { _id: 'b', category: 'Web' }] });
    const ndb = nodeSdkDb();
    const tx = await ndb.startTransaction();
    const res = await tx.collection('txr').where({ category: 'Web' }).updateAndReturn({ category: 'web' });
    await tx.commit();
    expect(res).toMatchObject({ updated: 1, doc: { _id: 'a', category: 'web' } });
    expect((await db.collection('txr').doc('b').get()).data.category).toBe('Web');
  });
});
