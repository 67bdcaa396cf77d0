// Unit (core/grants/ledger): exactness of the ledger under any interleaving, with an in-memory atomic store.
import fc from 'fast-check';
import { createLedgerCore } from '../../core/grants/ledger';
import { grantId, TOKEN_WINDOW } from '../../core/grants/model';
import { FixedClock, memoryGrantStore, type Gate } from './memory';
import { createGrantHolds } from '../../core/grants/holds';
import type { ConsentEntry } from '../../core/grants/ports';

const key = { openid: 'o-alice', templateId: 'TPL_EVENT_REMINDER', kind: 'one-time' as const };
const longTerm = { openid: 'o-alice', templateId: 'TPL_SERVICE_NOTICE', kind: 'long-term' as const };
const make = (gate?: () => Promise<void>) => {
  const store = memoryGrantStore(gate);
  const clock = new FixedClock();
  return { store, clock, ledger: createLedgerCore(store, clock, (k) => grantId(k.openid, k.templateId)) };
};

describe('applyAccept', () => {
  it('counts a client accept once and a replayed token not at all', async () => {
    const { ledger } = make();
    expect(await ledger.applyAccept(key, 'client', 'c:req-00001')).toBe('counted');
    expect(await ledger.applyAccept(key, 'client', 'c:req-00001')).toBe('duplicate');
    expect(await ledger.remaining(key)).toBe(1);
  });

  it('counts the client report and the popup event of one tap once, in either order', async () => {
    const a = make();
    expect(await a.ledger.applyAccept(key, 'client', 'c:r1')).toBe('counted');
    expect(await a.ledger.applyAccept(key, 'event', 'e:100')).toBe('covered');
    expect(await a.ledger.remaining(key)).toBe(1);
    const b = make();
    expect(await b.ledger.applyAccept(key, 'event', 'e:100')).toBe('counted');
    expect(await b.ledger.applyAccept(key, 'client', 'c:r1')).toBe('covered');
    expect(await b.ledger.remaining(key)).toBe(1);
  });

  it('grants max(client accepts, event accepts) when one source misses a tap', async () => {
    const { ledger, store } = make();
    await ledger.applyAccept(key, 'client', 'c:r1'); // tap 1: both
    await ledger.applyAccept(key, 'event', 'e:1');
    await ledger.applyAccept(key, 'event', 'e:2'); // tap 2: client report lost
    await ledger.applyAccept(key, 'client', 'c:r3'); // tap 3: both
    await ledger.applyAccept(key, 'event', 'e:3');
    expect(await ledger.remaining(key)).toBe(3);
    const doc = store.docs.get(grantId(key.openid, key.templateId));
    expect(doc).toMatchObject({ acceptsClient: 2, acceptsEvent: 3, granted: 3, eventLead: 1, clientLead: 0 });
  });

  it('20 concurrent client accepts give exactly 20', async () => {
    const { ledger } = make(() => new Promise((r) => setImmediate(r)));
    const out = await Promise.all(Array.from({ length: 20 }, (_, i) => ledger.applyAccept(key, 'client', `c:req-${i}`)));
    expect(out.filter((o) => o === 'counted')).toHaveLength(20);
    expect(await ledger.remaining(key)).toBe(20);
  });

  it('keeps only the last TOKEN_WINDOW tokens', async () => {
    const { ledger, store } = make();
    for (let i = 0; i < TOKEN_WINDOW + 5; i++) await ledger.applyAccept(key, 'client', `c:${i}`);
    expect(store.docs.get(grantId(key.openid, key.templateId))?.tokens).toHaveLength(TOKEN_WINDOW);
  });

  it('is exact under any interleaving of client reports, popup events and replays (property)', async () => {
    const tap = fc.record({ client: fc.boolean(), event: fc.boolean(), replays: fc.nat(2) });
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.array(tap, { minLength: 1, maxLength: 6 }), async (s, taps) => {
        const { ledger, store } = make(() => s.schedule(Promise.resolve()));
        const jobs: Promise<unknown>[] = [];
        taps.forEach((t, i) => {
          for (let r = 0; r <= t.replays; r++) {
            if (t.client) jobs.push(ledger.applyAccept(key, 'client', `c:${i}`));
            if (t.event) jobs.push(ledger.applyAccept(key, 'event', `e:${i}`));
          }
        });
        const all = Promise.all(jobs);
        await s.waitFor(all);
        const clients = taps.filter((t) => t.client).length;
        const events = taps.filter((t) => t.event).length;
        const doc = store.docs.get(grantId(key.openid, key.templateId));
        expect(doc?.remaining ?? 0).toBe(Math.max(clients, events));
        if (doc) expect(doc.clientLead === 0 || doc.eventLead === 0).toBe(true);
        // Both sources complete → exactly one per tap.
        if (taps.every((t) => t.client && t.event)) expect(doc?.remaining).toBe(taps.length);
      }),
      { numRuns: 150 },
    );
  });
});

describe('holds: reserve / refund / consume / zero (core/grants/holds.ts)', () => {
  const gid = grantId(key.openid, key.templateId);
  const setup = (gate?: Gate) => {
    const { ledger, store } = make(gate);
    const consent: ConsentEntry[] = [];
    const holds = createGrantHolds({ store, ledger, consent: { append: async (e) => void consent.push(...e) }, clock: new FixedClock() });
    return { ledger, store, holds, consent };
  };

  it('reserves only while remaining > 0, concurrently, never below 0; each reservation holds its token', async () => {
    const { ledger, store, holds } = setup(() => new Promise((r) => setImmediate(r)));
    for (let i = 0; i < 5; i++) await ledger.applyAccept(key, 'client', `c:${i}`);
    const got = await Promise.all(Array.from({ length: 12 }, (_, i) => holds.reserve([gid], `t${i}`)));
    expect(got.reduce((a, b) => a + b, 0)).toBe(5);
    expect(await ledger.remaining(key)).toBe(0);
    expect(store.docs.get(gid)?.holds).toHaveLength(5);
    expect(await holds.reserve([gid], 't99')).toBe(0);
  });

  it('a token reserves once; refund and consume apply once each and pull the token', async () => {
    const { ledger, store, holds } = setup();
    expect(await holds.reserve([gid], 't1')).toBe(0); // no grant document: nothing to reserve
    for (let i = 0; i < 3; i++) await ledger.applyAccept(key, 'client', `c:${i}`);
    expect(await holds.reserve([gid], 't1')).toBe(1);
    expect(await holds.reserve([gid], 't1')).toBe(0); // the same claim cannot take two
    expect(await holds.reserve([gid], 't2')).toBe(1);
    expect(await ledger.remaining(key)).toBe(1);
    expect(await holds.refund([gid], 't1')).toBe(1);
    expect(await holds.refund([gid], 't1')).toBe(0);
    expect(await ledger.remaining(key)).toBe(2);
    expect(await holds.consume([gid], 't2')).toBe(1);
    expect(await holds.consume([gid], 't2')).toBe(0);
    expect(await holds.refund([gid], 't2')).toBe(0); // a consumed send is never given back
    expect(await ledger.remaining(key)).toBe(2);
    expect(store.docs.get(gid)?.holds).toEqual([]);
  });

  it('holds are never evicted: a hundred unsettled reservations all stay until each is settled', async () => {
    const { ledger, store, holds } = setup();
    for (let i = 0; i < 120; i++) await ledger.applyAccept(key, 'client', `c:${i}`);
    for (let i = 0; i < 100; i++) expect(await holds.reserve([gid], `t${i}`)).toBe(1);
    expect(store.docs.get(gid)?.holds).toHaveLength(100);
    // The oldest one is still there: its refund applies.
    expect(await holds.refund([gid], 't0')).toBe(1);
    for (let i = 1; i < 100; i++) expect(await holds.consume([gid], `t${i}`)).toBe(1);
    expect(store.docs.get(gid)?.holds).toEqual([]);
    expect(await ledger.remaining(key)).toBe(21);
  });

  it('43101 zeroes the grant, pulls only its own hold and logs the zero; a missing grant is left alone', async () => {
    const { ledger, store, holds, consent } = setup();
    for (let i = 0; i < 3; i++) await ledger.applyAccept(key, 'client', `c:${i}`);
    await holds.reserve([gid], 't1');
    await holds.reserve([gid], 't2');
    await holds.zero(key.openid, key.templateId, 't1', 'errcode 43101');
    const doc = store.docs.get(gid);
    expect(doc?.remaining).toBe(0);
    expect(doc?.holds).toEqual(['t2']);
    expect(doc?.lastZeroReason).toBe('errcode 43101');
    expect(consent).toEqual([expect.objectContaining({ openid: key.openid, result: 'zero', source: 'server', reason: 'errcode 43101' })]);
    await holds.zero('o-nobody', key.templateId, undefined, 'errcode 43101');
    expect(store.docs.has(grantId('o-nobody', key.templateId))).toBe(false);
    expect(consent).toHaveLength(1);
  });

  it('a zero with a token applies once: a replayed reject does not undo a later accept', async () => {
    const { ledger } = make();
    await ledger.applyAccept(key, 'client', 'c:1');
    expect(await ledger.zero(key, 'change_event', { token: 'x:200', result: 'reject' })).toBe(true);
    await ledger.applyAccept(key, 'client', 'c:2');
    expect(await ledger.zero(key, 'change_event', { token: 'x:200', result: 'reject' })).toBe(false);
    expect(await ledger.remaining(key)).toBe(1);
  });

  it('long-term: an accept makes it active (remaining Infinity) and holds nothing; zero turns it off', async () => {
    const { ledger, holds } = setup();
    expect(await ledger.remaining(longTerm)).toBe(0);
    await ledger.applyAccept(longTerm, 'client', 'c:1');
    expect(await ledger.remaining(longTerm)).toBe(Infinity);
    expect(await holds.reserve([grantId(longTerm.openid, longTerm.templateId)], 't1')).toBe(0);
    await ledger.zero(longTerm, 'revoke');
    expect(await ledger.remaining(longTerm)).toBe(0);
  });
});
