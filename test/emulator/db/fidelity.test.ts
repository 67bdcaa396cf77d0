// Test layer (emulator/db): answers where mingo alone differs from CloudBase (issue 12), through the real SDK.
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
