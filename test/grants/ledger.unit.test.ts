// Unit (core/grants/ledger): exactness of the ledger under any interleaving, with an in-memory atomic store.
import fc from 'fast-check';
import { createLedgerCore } from '../../core/grants/ledger';
import { grantId, TOKEN_WINDOW } from '../../core/grants/model';
import { FixedClock, memoryGrantStore } from './memory';

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

describe('reserve / refund / zero', () => {
  it('reserves only while remaining > 0, concurrently, never below 0', async () => {
    const { ledger } = make(() => new Promise((r) => setImmediate(r)));
    for (let i = 0; i < 5; i++) await ledger.applyAccept(key, 'client', `c:${i}`);
    const got = await Promise.all(Array.from({ length: 12 }, () => ledger.reserve(key)));
    expect(got.filter(Boolean)).toHaveLength(5);
    expect(await ledger.remaining(key)).toBe(0);
    expect(await ledger.reserve(key)).toBe(false);
  });

  it('refunds one and zeroes with a reason; an unknown grant reserves nothing', async () => {
    const { ledger, store } = make();
    expect(await ledger.reserve(key)).toBe(false);
    await ledger.applyAccept(key, 'client', 'c:1');
    expect(await ledger.reserve(key)).toBe(true);
    await ledger.refund(key);
    expect(await ledger.remaining(key)).toBe(1);
    await ledger.applyAccept(key, 'client', 'c:2');
    await ledger.zero(key, '43101');
    expect(await ledger.remaining(key)).toBe(0);
    expect(store.docs.get(grantId(key.openid, key.templateId))?.lastZeroReason).toBe('43101');
  });

  it('a zero with a token applies once: a replayed reject does not undo a later accept', async () => {
    const { ledger } = make();
    await ledger.applyAccept(key, 'client', 'c:1');
    expect(await ledger.zero(key, 'change_event', 'x:200', 'reject')).toBe(true);
    await ledger.applyAccept(key, 'client', 'c:2');
    expect(await ledger.zero(key, 'change_event', 'x:200', 'reject')).toBe(false);
    expect(await ledger.remaining(key)).toBe(1);
  });

  it('long-term: an accept makes it active (remaining Infinity, reserve always true); zero turns it off', async () => {
    const { ledger } = make();
    expect(await ledger.remaining(longTerm)).toBe(0);
    await ledger.applyAccept(longTerm, 'client', 'c:1');
    expect(await ledger.remaining(longTerm)).toBe(Infinity);
    expect(await ledger.reserve(longTerm)).toBe(true);
    expect(await ledger.reserve(longTerm)).toBe(true);
    await ledger.zero(longTerm, 'revoke');
    expect(await ledger.reserve(longTerm)).toBe(false);
    expect(await ledger.remaining(longTerm)).toBe(0);
  });
});
