// Unit (core/notify): the fingerprint, the "why" sentences, and the write order of send vs cancel with in-memory
// ports and a fixed clock — a cancel that lands at any step of a send leaves nothing armed.
import { newDelivery, type Delivery } from '../../core/delivery';
import { createGrantHolds } from '../../core/grants/holds';
import { createLedgerCore } from '../../core/grants/ledger';
import { grantId, newGrantDoc } from '../../core/grants/model';
import { applySettlement, early, planSettlement } from '../../core/sending/settle';
import { memoryGrantStore } from '../grants/memory';
import { canonicalJson, explain, fingerprint, PARKED, type NotifyRequest } from '../../core/notify/model';
import type { NotifyDeps } from '../../core/notify/ports';
import { cancelNotify, sendNotify, type SendInput } from '../../core/notify/use-cases';
import { declaredTemplate } from '../support/templates';

const NOW = Date.parse('2026-11-21T03:00:00Z');
const DATA = { character_string1: 'A1', phrase2: '已发货', amount3: '￥1.00', phone_number4: '021-12345678' };
const input = (extra: Partial<SendInput> = {}): SendInput => ({ key: 'k1', to: ['o-a', 'o-b'], templateId: 'TPL_ORDER_STATUS', data: DATA, ...extra });

type Hook = 'afterInsert' | 'afterCreate' | 'afterOpen';
function memory(hooks: Partial<Record<Hook, () => Promise<void>>> = {}) {
  const requests = new Map<string, NotifyRequest>();
  const deliveries = new Map<string, Delivery>();
  const ofKey = (key: string) => [...deliveries.values()].filter((d) => d.sourceId === key);
  const released: string[] = [];
  const deps: NotifyDeps = {
    clock: { now: () => NOW },
    templates: { get: async (id) => (id === 'TPL_ORDER_STATUS' ? declaredTemplate(id) : null) },
    requests: {
      get: async (k) => structuredClone(requests.get(k) ?? null),
      insert: async (r) => {
        if (requests.has(r._id)) return false;
        requests.set(r._id, structuredClone(r));
        await hooks.afterInsert?.();
        return true;
      },
      transition: async (k, from, to) => {
        const r = requests.get(k);
        if (!r || !from.includes(r.state)) return false;
        r.state = to;
        if (to === 'open') await hooks.afterOpen?.();
        return true;
      },
    },
    deliveries: {
      createMissing: async (docs) => {
        let n = 0;
        for (const d of docs) if (!deliveries.has(d._id)) (deliveries.set(d._id, structuredClone(d)), n++);
        await hooks.afterCreate?.();
        return n;
      },
      arm: async (key) => {
        let n = 0;
        for (const d of ofKey(key)) if (d.status === 'pending' && d.nextAttemptAt === PARKED) (d.nextAttemptAt = d.dueAt, n++);
        return n;
      },
      cancelPending: async (key) => {
        let n = 0;
        for (const d of ofKey(key)) if (d.status === 'pending') (d.status = 'cancelled', n++);
        return n;
      },
      list: async (key) => ofKey(key).map((d) => structuredClone(d)),
    },
    profiles: async () => new Map(),
    holds: { releasePurpose: async (ids, p) => (released.push(`${p}:${ids.join(',')}`), ids.length) },
    isAdmin: async () => false,
    config: { zone: 'Asia/Shanghai', miniprogramState: 'developer', lang: 'zh_CN' },
  };
  return { deps, requests, deliveries, ofKey, released };
}

describe('fingerprint', () => {
  it('ignores key order and recipient order/duplicates, and sees every payload change', () => {
    const a = fingerprint({ to: ['o-b', 'o-a'], templateId: 'T', data: { x: '1', y: '2' } });
    expect(fingerprint({ data: { y: '2', x: '1' }, templateId: 'T', to: ['o-a', 'o-b', 'o-a'] })).toBe(a);
    expect(fingerprint({ to: ['o-a', 'o-b'], templateId: 'T', data: { x: '1', y: '3' } })).not.toBe(a);
    expect(fingerprint({ to: ['o-a'], templateId: 'T', data: { x: '1', y: '2' } })).not.toBe(a);
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: undefined })).toBe('{"b":[1,{"c":2,"d":1}]}');
  });
});

describe('explain', () => {
  const base = { dueAt: NOW, nextAttemptAt: NOW, attempts: 0 };
  it('says why, per outcome', () => {
    expect(explain({ ...base, status: 'skipped', reason: 'no_grant' })).toMatch(/no subscription left/);
    expect(explain({ ...base, status: 'failed', reason: 'no_grant', errCode: 43101 })).toMatch(/errcode 43101 — /);
    expect(explain({ ...base, status: 'unknown', reason: 'ambiguous' })).toMatch(/never sent again/);
    expect(explain({ ...base, status: 'pending', nextAttemptAt: PARKED })).toMatch(/being queued/);
    expect(explain({ ...base, status: 'pending' })).toBe('queued: due at 2026-11-21T03:00:00.000Z');
    expect(explain({ ...base, status: 'cancelled' })).toBe('not sent: cancelled before it was sent');
  });
});

describe('send', () => {
  it('queues parked, then arms; the same payload answers the same; another payload is a CONFLICT', async () => {
    const m = memory();
    const first = await sendNotify(m.deps, input());
    expect(first).toEqual({ key: 'k1', templateId: 'TPL_ORDER_STATUS', recipients: 2, dueAt: NOW, acceptedAt: NOW });
    expect(m.ofKey('k1').map((d) => [d._id, d.status, d.nextAttemptAt])).toEqual([['notify:k1:o-a', 'pending', NOW], ['notify:k1:o-b', 'pending', NOW]]);
    expect(await sendNotify(m.deps, input({ to: ['o-b', 'o-a'] }))).toEqual(first);
    await expect(sendNotify(m.deps, input({ to: ['o-a'] }))).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(sendNotify(m.deps, input({ key: 'k2', data: { ...DATA, phrase2: 'shipped!' } }))).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('phrase2') });
    expect(m.requests.has('k2')).toBe(false);
  });

  it.each<Hook>(['afterInsert', 'afterCreate', 'afterOpen'])('a cancel landing %s leaves nothing armed and everything cancelled', async (hook) => {
    let m: ReturnType<typeof memory> | undefined;
    m = memory({ [hook]: async () => void (await cancelNotify(m!.deps, 'k1')) });
    await sendNotify(m.deps, input({ purpose: 'order:1' }));
    expect(m.requests.get('k1')?.state).toBe('cancelled');
    expect(m.ofKey('k1').map((d) => d.status)).toEqual(['cancelled', 'cancelled']);
    // A retried send of the same key answers, and arms nothing.
    await sendNotify(m.deps, input({ purpose: 'order:1' }));
    expect(m.ofKey('k1').map((d) => d.status)).toEqual(['cancelled', 'cancelled']);
  });

  it('resolves per-user variables like campaigns (a value that breaks its rule for one user is failed by the dispatcher as `validation`)', async () => {
    const m = memory();
    m.deps.profiles = async () => new Map([['o-a', { _id: 'o-a', nickname: '张三' }], ['o-b', { _id: 'o-b', nickname: '欧阳娜娜娜娜娜' }]]);
    await sendNotify(m.deps, input({ data: { ...DATA, phrase2: '{{nickname}}' }, normalise: true }));
    // A nickname too long for its keyword is shortened to fit (core/campaigns/variables.ts); a phrase takes no "…",
    // so this one falls back to 用户 and the user still gets the message.
    expect(m.ofKey('k1').map((d) => d.data.phrase2?.value)).toEqual(['张三', '用户']);
    await expect(sendNotify(m.deps, input({ key: 'k3', data: { ...DATA, phrase2: '{{mood}}' } }))).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('phrase2') });
  });

  it('a first attempt that died after recording the request is finished by the retry', async () => {
    const m = memory({ afterInsert: async () => { throw new Error('killed'); } });
    await expect(sendNotify(m.deps, input())).rejects.toThrow('killed');
    expect(m.ofKey('k1')).toEqual([]);
    const again = memory();
    for (const [k, v] of m.requests) again.requests.set(k, v);
    await sendNotify(again.deps, input());
    expect(again.requests.get('k1')?.state).toBe('open');
    expect(again.ofKey('k1').map((d) => d.nextAttemptAt)).toEqual([NOW, NOW]);
  });
});

describe('a purpose send that goes back to the queue', () => {
  it('returns its unit to the purpose (not to the free pool campaigns reserve from); a final refund frees it', async () => {
    const store = memoryGrantStore();
    const clock = { now: () => NOW };
    const ledger = createLedgerCore(store, clock, (k) => grantId(k.openid, k.templateId));
    const holds = createGrantHolds({ store, ledger, consent: { append: async () => undefined }, clock });
    const g = grantId('o-a', 'TPL_ORDER_STATUS');
    await store.insert({ ...newGrantDoc('o-a', 'TPL_ORDER_STATUS', 'one-time', NOW), remaining: 1 });
    expect(await holds.holdFor([g], 'order:1')).toBe(1);
    expect(await holds.usePurpose(g, 'order:1', 'T1')).toBe(true);
    expect(store.docs.get(g)).toMatchObject({ remaining: 0, purposeHolds: [], holds: ['T1'] });
    const d = { ...newDelivery({ sourceType: 'notify', sourceId: 'k1', openid: 'o-a', templateId: 'TPL_ORDER_STATUS', data: {}, purpose: 'order:1' }, 'sending', NOW), claimToken: 'T1' };
    const writes: string[] = [];
    const deliveries = { write: async (ids: readonly string[]) => (writes.push(...ids), ids.length), closeHolds: async () => 0 };
    await applySettlement({ grants: holds, deliveries }, planSettlement([early(d, 'pending', 'released', 'refund', NOW)], NOW), 'run');
    expect(store.docs.get(g)).toMatchObject({ remaining: 0, purposeHolds: ['p:order:1'], holds: [] });
    // The retry uses it again; this time the send fails for good: the refund goes to the free pool.
    expect(await holds.usePurpose(g, 'order:1', 'T2')).toBe(true);
    await applySettlement({ grants: holds, deliveries }, planSettlement([early({ ...d, claimToken: 'T2' }, 'failed', 'validation', 'refund')], NOW), 'run');
    expect(store.docs.get(g)).toMatchObject({ remaining: 1, purposeHolds: [], holds: [] });
  });
});
