// Unit (core/dispatch + core/sending/settle, fixed clock): lease recovery classes, attempt outcomes, settlement
// grouping and order, quiet hours, caps.
import { classifyExpired } from '../../core/dispatch/recover';
import { afterAttempt, early, planSettlement } from '../../core/sending/settle';
import { planExtras } from '../../core/dispatch/flush';
import { capVerdict, quietUntil } from '../../core/dispatch/windows';
import { campaignDelivery } from '../../core/dispatch/expand';
import { DEFAULT_DISPATCH_CONFIG as CFG } from '../../core/dispatch/config';
import type { GrantState } from '../../core/grants/holds';
import type { Delivery as QueueDelivery } from '../../core/delivery';
import type { Campaign } from '../../core/campaigns/model';

const NOW = Date.parse('2026-05-01T12:00:00Z');
const d = (patch: Partial<QueueDelivery> = {}): QueueDelivery => ({
  _id: 'campaign:c1:o1', sourceType: 'campaign', sourceId: 'c1', openid: 'o1', templateId: 'T', data: {}, status: 'sending',
  dueAt: 0, attempts: 0, nextAttemptAt: 0, createdAt: 0, updatedAt: 0, claimToken: 'r1.1', leaseOwner: 'r1', leaseUntil: NOW - 1, ...patch,
});
const g = (patch: Partial<GrantState> = {}): GrantState => ({ _id: 'g:o1:T', kind: 'one-time', remaining: 0, active: false, holds: ['r1.1'], ...patch });

describe('classifyExpired: the hold on the grant is the evidence', () => {
  it.each([
    ['not started, hold kept → refund and requeue', d(), g(), { kind: 'requeue', refund: true }],
    ['not started, nothing held → requeue', d(), g({ holds: [] }), { kind: 'requeue', refund: false }],
    ['started, hold refunded or zeroed (WeChat answered an error) → requeue', d({ sendStartedAt: NOW - 5 }), g({ holds: [], remaining: 1 }), { kind: 'requeue', refund: false }],
    // Whatever the ledger says: WeChat's count cannot tell which message arrived (no probe, never resent).
    ['started, held, ledger 0 → unknown, hold consumed', d({ sendStartedAt: NOW - 5 }), g(), { kind: 'unknown', consume: true }],
    ['started, held, ledger 1 → unknown, hold consumed', d({ sendStartedAt: NOW - 5 }), g({ remaining: 1 }), { kind: 'unknown', consume: true }],
    ['started, held among other holds → unknown, hold consumed', d({ sendStartedAt: NOW - 5 }), g({ holds: ['r0.1', 'r1.1', 'r2.1'] }), { kind: 'unknown', consume: true }],
    ['started, long-term → unknown', d({ sendStartedAt: NOW - 5 }), g({ kind: 'long-term', active: true, holds: [] }), { kind: 'unknown', consume: false }],
    ['started, no grant document → unknown', d({ sendStartedAt: NOW - 5 }), undefined, { kind: 'unknown', consume: false }],
    ['no claim token → unknown', d({ claimToken: undefined }), g(), { kind: 'unknown', consume: false }],
  ])('%s', (_name, delivery, grant, want) => {
    expect(classifyExpired(delivery, grant)).toEqual(want);
  });
});

describe('afterAttempt (core/sending/settle.ts)', () => {
  const rnd = () => 0.5;
  it('maps the outcome table: sent, -1 retry with backoff, 43101 skipped+zero, 43108 requeue, 47003 quarantine, timeout unknown', () => {
    expect(afterAttempt(d(), true, { ok: true, msgid: '9' }, NOW, rnd, CFG)).toMatchObject({ status: 'sent', grant: 'consume', msgid: '9', attempted: true });
    const retry = afterAttempt(d(), true, { ok: false, errCode: -1, errMsg: 'busy' }, NOW, rnd, CFG);
    expect(retry).toMatchObject({ status: 'pending', grant: 'refund', reason: 'system_error', detail: 'busy' });
    expect(retry.retryAt).toBeGreaterThanOrEqual(NOW + CFG.retry.baseMs / 2);
    expect(afterAttempt(d({ attempts: CFG.retry.maxAttempts - 1 }), true, { ok: false, errCode: -1, errMsg: '' }, NOW, rnd, CFG)).toMatchObject({ status: 'failed', grant: 'refund' });
    expect(afterAttempt(d(), true, { ok: false, errCode: 43101, errMsg: '' }, NOW, rnd, CFG)).toMatchObject({ status: 'skipped', reason: 'no_grant', grant: 'zero' });
    expect(afterAttempt(d(), true, { ok: false, errCode: 43108, errMsg: '' }, NOW, rnd, CFG)).toMatchObject({ status: 'pending', grant: 'refund', attempted: false });
    expect(afterAttempt(d(), true, { ok: false, errCode: -604101, errMsg: '' }, NOW, rnd, CFG)).toMatchObject({ status: 'pending', grant: 'refund', attempted: false, halt: true });
    expect(afterAttempt(d(), true, { ok: false, errCode: 47003, errMsg: '' }, NOW, rnd, CFG)).toMatchObject({ status: 'failed', quarantine: 'campaign', grant: 'refund' });
    expect(afterAttempt(d(), true, { ok: false, errCode: -604102, errMsg: '', timedOut: true }, NOW, rnd, CFG)).toMatchObject({ status: 'unknown', grant: 'consume' });
  });
  it('nothing held (long-term): no refund, no consume; 43101 still zeroes', () => {
    expect(afterAttempt(d(), false, { ok: true }, NOW, rnd, CFG)).toMatchObject({ status: 'sent', grant: 'none' });
    expect(afterAttempt(d(), false, { ok: false, errCode: -1, errMsg: '' }, NOW, rnd, CFG)).toMatchObject({ status: 'pending', grant: 'none' });
    expect(afterAttempt(d(), false, { ok: false, errCode: 43101, errMsg: '' }, NOW, rnd, CFG)).toMatchObject({ status: 'skipped', grant: 'zero' });
  });
});

describe('planSettlement + planExtras', () => {
  it('groups by outcome: one write per group, refunds and consumes per hold token, counters per campaign, msgids logged', () => {
    const rs = [
      afterAttempt(d({ _id: 'a', openid: 'oa' }), true, { ok: true, msgid: '1' }, NOW, () => 0, CFG),
      afterAttempt(d({ _id: 'b', openid: 'ob' }), true, { ok: true, msgid: '2' }, NOW, () => 0, CFG),
      afterAttempt(d({ _id: 'c', openid: 'oc' }), true, { ok: false, errCode: -1, errMsg: '' }, NOW, () => 0, CFG),
      afterAttempt(d({ _id: 'e', openid: 'oe' }), true, { ok: false, errCode: -1, errMsg: '' }, NOW, () => 0.9, CFG),
      early(d({ _id: 'f', openid: 'of' }), 'skipped', 'frequency_cap'),
    ];
    const plan = planSettlement(rs, NOW);
    expect(plan.writes.map((w) => w.ids)).toEqual([['a', 'b'], ['c', 'e'], ['f']]);
    // A spent send keeps its claim token and is marked holdOpen until the hold is consumed.
    expect(plan.writes[0]!.w).toMatchObject({ set: { status: 'sent', sentAt: NOW, holdOpen: true }, inc: { attempts: 1 } });
    expect(plan.writes[0]!.w.unset).not.toContain('claimToken');
    expect(plan.writes[1]!.w.unset).toContain('claimToken');
    expect(plan.writes[2]!.w.inc).toBeUndefined();
    expect(plan.refunds.get('r1.1')).toEqual(['g:oc:T', 'g:oe:T']);
    expect(plan.consumes.get('r1.1')).toEqual(['g:oa:T', 'g:ob:T']);
    expect(plan.closes).toEqual(['a', 'b']);
    const extras = planExtras(rs);
    expect(extras.counters.get('c1')).toEqual({ sent: 2, skipped: 1 });
    expect(extras.sends.map((x) => x.msgid)).toEqual(['1', '2']);
  });
});

describe('windows', () => {
  const q = { start: '22:00', end: '08:00' };
  it('quiet hours defer to the next 08:00 in Asia/Shanghai, across midnight', () => {
    expect(quietUntil(Date.parse('2026-05-01T15:30:00Z'), 'Asia/Shanghai', q)).toBe(Date.parse('2026-05-02T00:00:00Z')); // 23:30
    expect(quietUntil(Date.parse('2026-05-01T17:00:00Z'), 'Asia/Shanghai', q)).toBe(Date.parse('2026-05-02T00:00:00Z')); // 01:00
    expect(quietUntil(Date.parse('2026-05-01T06:00:00Z'), 'Asia/Shanghai', q)).toBe(Date.parse('2026-05-01T06:00:00Z')); // 14:00
    expect(quietUntil(NOW, 'Asia/Shanghai', undefined)).toBe(NOW);
  });
  it('frequency cap: settled sends in the window skip, in-flight ones defer, old ones do not count', () => {
    const cap = { max: 2, perHours: 24 };
    const load = [{ openid: 'o1', status: 'sent', at: NOW - 3600_000 }, { openid: 'o1', status: 'sent', at: NOW - 30 * 3600_000 }, { openid: 'o2', status: 'sent', at: NOW }];
    expect(capVerdict('o1', cap, load, NOW)).toBe('send');
    expect(capVerdict('o1', cap, [...load, { openid: 'o1', status: 'unknown', at: NOW - 1 }], NOW)).toBe('skip');
    // An in-flight send (another run, or a dead run's not yet recovered) may count: wait for it.
    expect(capVerdict('o1', cap, [...load, { openid: 'o1', status: 'sending', at: NOW - 100 * 3600_000 }], NOW)).toBe('defer');
    expect(capVerdict('o1', { max: 1, perHours: 24 }, [{ openid: 'o1', status: 'sending', at: NOW }], NOW)).toBe('defer');
    expect(capVerdict('o1', { max: 1, perHours: 24 }, [], NOW)).toBe('send');
  });
});

it('campaign deliveries: deterministic id, per-user variables, page carries the delivery id', () => {
  const c = { _id: 'c9', templateId: 'T', data: { thing1: '{{nickname}}你好' }, page: 'pages/index/index', sendAt: NOW, miniprogramState: 'developer', lang: 'zh_CN' } as unknown as Campaign;
  const a = campaignDelivery(c, 'o1', { _id: 'o1', nickname: '小明' }, NOW);
  expect(a).toMatchObject({ _id: 'campaign:c9:o1', status: 'pending', dueAt: NOW, nextAttemptAt: NOW, data: { thing1: { value: '小明你好' } } });
  expect(a.page).toBe('pages/index/index?deliveryId=campaign:c9:o1');
  expect(campaignDelivery(c, 'o1', null, NOW + 5)._id).toBe(a._id);
});
