// Test layer (emulator/db): transactions through the real SDK: runTransaction commit/rollback/retry, manual
// start/commit/abort, snapshot isolation, write conflicts, plain writes waiting on locks, idle expiry.
import { startHarness, sdkDb, rejection, type Harness, type SdkDb } from './harness';

let h: Harness;
let db: SdkDb;

beforeAll(async () => {
  h = await startHarness({ txIdleTimeoutMs: 1500 });
  db = sdkDb(h.url);
  await db.createCollection('acct');
});
afterAll(() => h.close());
beforeEach(async () => {
  await db.collection('acct').where({ _id: db.command.exists(true) }).remove();
  await db.collection('acct').add({ data: [{ _id: 'A', bal: 100 }, { _id: 'B', bal: 0 }] });
});

const bal = async (id: string): Promise<number> => (await db.collection('acct').doc(id).get()).data.bal as number;
const isConflict = (e: unknown): boolean => /TransactionConflict/.test(String((e as Error)?.message));
/** [TX-RUN] wx-server-sdk's doc wrappers drop `code`, so a conflict raised by a write inside the callback must be
 *  rethrown with it for runTransaction to retry (see the report / adapters). */
const rethrowConflict = (e: unknown): never => {
  throw isConflict(e) ? { code: 'DATABASE_TRANSACTION_CONFLICT', message: String((e as Error).message) } : e;
};

describe('runTransaction', () => {
  it('commits every write and resolves with the callback value', async () => {
    const _ = db.command;
    const out = await db.runTransaction(async (tx: SdkDb) => {
      const a = (await tx.collection('acct').doc('A').get()).data;
      await tx.collection('acct').doc('A').update({ data: { bal: _.inc(-30) } });
      await tx.collection('acct').doc('B').update({ data: { bal: _.inc(30) } });
      await tx.collection('acct').add({ data: { _id: 'log1', from: 'A', amount: 30 } });
      return a.bal - 30;
    });
    expect(out).toBe(70);
    expect([await bal('A'), await bal('B')]).toEqual([70, 30]);
    expect(h.service.find('acct', { _id: 'log1' })).toHaveLength(1);
  });

  it('rollback(value) rejects with the value and applies nothing; a thrown error does the same', async () => {
    const _ = db.command;
    const reason = await rejection(() =>
      db.runTransaction(async (tx: SdkDb) => {
        await tx.collection('acct').doc('A').update({ data: { bal: _.inc(-500) } });
        await tx.rollback('insufficient');
      }),
    );
    expect(reason).toBe('insufficient');
    const err = await rejection(() =>
      db.runTransaction(async (tx: SdkDb) => {
        await tx.collection('acct').doc('B').set({ data: { bal: 999 } });
        throw new Error('boom');
      }),
    );
    expect(err.message).toBe('boom');
    expect([await bal('A'), await bal('B')]).toEqual([100, 0]);
  });

  it('retries two conflicting read-modify-write transactions until both are applied', async () => {
    let attempts = 0;
    let arrived = 0;
    let release: () => void = () => {};
    const bothRead = new Promise<void>((r) => (release = r));
    const transfer = () =>
      db.runTransaction(async (tx: SdkDb) => {
        attempts += 1;
        const first = attempts <= 2;
        const a = (await tx.collection('acct').doc('A').get()).data;
        if (first && ++arrived === 2) release();
        if (first) await bothRead; // both read the same snapshot before either writes
        await tx.collection('acct').doc('A').update({ data: { bal: a.bal - 10 } }).catch(rethrowConflict);
      }, 5);
    await Promise.all([transfer(), transfer()]);
    expect(await bal('A')).toBe(80);
    expect(attempts).toBeGreaterThan(2);
  });

  it('without the rethrow the SDK does not retry: the write conflict rejects runTransaction', async () => {
    const tx1 = await db.startTransaction();
    await tx1.collection('acct').doc('A').update({ data: { bal: 1 } });
    let attempts = 0;
    const err = await rejection(() =>
      db.runTransaction(async (tx: SdkDb) => {
        attempts += 1;
        await tx.collection('acct').doc('A').update({ data: { bal: 2 } });
      }),
    );
    expect(isConflict(err)).toBe(true);
    expect(err.errCode).toBe(-501001); // DATABASE_TRANSACTION_CONFLICT is not in the SDK's TCB_ERR_CODE table
    expect(attempts).toBe(1);
    await tx1.commit();
    expect(await bal('A')).toBe(1);
  });
});

describe('startTransaction', () => {
  it('commit applies atomically; reads inside see own writes over a snapshot; abort discards', async () => {
    const _ = db.command;
    const tx = await db.startTransaction();
    await tx.collection('acct').doc('A').update({ data: { bal: _.inc(-1) } });
    await tx.collection('acct').add({ data: { _id: 'C', bal: 1 } });
    await tx.collection('acct').doc('B').remove();
    await db.collection('acct').doc('B').get(); // plain reads see committed data only
    expect((await tx.collection('acct').doc('A').get()).data.bal).toBe(99);
    expect(h.service.find('acct').map((d) => d._id).sort()).toEqual(['A', 'B']);
    await tx.commit();
    expect(h.service.find('acct').map((d) => [d._id, d.bal])).toEqual([['A', 99], ['C', 1]]);

    const tx2 = await db.startTransaction();
    await tx2.collection('acct').doc('A').set({ data: { bal: 0 } });
    await tx2.rollback();
    expect(await bal('A')).toBe(99);
  });

  it('snapshot isolation: a plain write after the start is invisible to the transaction, and dooms its write', async () => {
    const tx = await db.startTransaction();
    expect((await tx.collection('acct').doc('B').get()).data.bal).toBe(0);
    await db.collection('acct').doc('B').update({ data: { bal: 5 } });
    expect((await tx.collection('acct').doc('B').get()).data.bal).toBe(0);
    const e = await rejection(() => tx.collection('acct').doc('B').update({ data: { bal: 7 } }));
    expect(isConflict(e)).toBe(true);
    expect((await rejection(() => tx.commit())).code).toBe('DATABASE_TRANSACTION_CONFLICT');
    await tx.rollback();
    expect(await bal('B')).toBe(5);
  });

  it('a write to a document locked by another transaction conflicts; the holder commits', async () => {
    const t1 = await db.startTransaction();
    const t2 = await db.startTransaction();
    await t1.collection('acct').doc('A').update({ data: { bal: 1 } });
    const e = await rejection(() => t2.collection('acct').doc('A').update({ data: { bal: 2 } }));
    expect(isConflict(e)).toBe(true);
    expect((await rejection(() => t2.commit())).code).toBe('DATABASE_TRANSACTION_CONFLICT');
    await t1.commit();
    expect(await bal('A')).toBe(1);
  });

  it('a plain write to a locked document waits for the commit', async () => {
    const _ = db.command;
    const tx = await db.startTransaction();
    await tx.collection('acct').doc('A').update({ data: { bal: _.inc(5) } });
    let done = false;
    const plain = db.collection('acct').doc('A').update({ data: { bal: _.inc(1) } }).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 150));
    expect(done).toBe(false);
    await tx.commit();
    await plain;
    expect(await bal('A')).toBe(106);
  });

  it('an idle transaction expires: its locks are released and its commit fails', async () => {
    const tx = await db.startTransaction();
    await tx.collection('acct').doc('B').update({ data: { bal: 50 } });
    await db.collection('acct').doc('B').update({ data: { bal: 1 } }); // waits until the transaction expires
    const e = await rejection(() => tx.commit());
    expect(e.message).toContain('[ResourceUnavailable.TransactionNotExist]');
    expect(await bal('B')).toBe(1);
  });
});
