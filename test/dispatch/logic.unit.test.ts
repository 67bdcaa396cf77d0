// Unit (core/dispatch, fixed clock): lease recovery classes, attempt outcomes, flush grouping, quiet hours, caps.
import { classifyExpired } from '../../core/dispatch/recover';
import { afterAttempt, early, planFlush } from '../../core/dispatch/results';
import { overCap, quietUntil } from '../../core/dispatch/windows';
import { campaignDelivery } from '../../core/dispatch/expand';
import { DEFAULT_DISPATCH_CONFIG as CFG } from '../../core/dispatch/config';
import type { GrantState, QueueDelivery } from '../../core/dispatch/ports';
import type { Campaign } from '../../core/campaigns/model';

const NOW = Date.parse('2026-05-01T12:00:00Z');
const d = (patch: Partial<QueueDelivery> = {}): QueueDelivery => ({
  _id: 'campaign:c1:o1', sourceType: 'campaign', sourceId: 'c1', openid: 'o1', templateId: 'T', data: {}, status: 'sending',
  dueAt: 0, attempts: 0, nextAttemptAt: 0, createdAt: 0, updatedAt: 0, claimToken: 'r1.1', leaseOwner: 'r1', leaseUntil: NOW - 1, ...patch,
});
const g = (patch: Partial<GrantState> = {}): GrantState => ({ _id: 'g:o1:T', kind: 'one-time', remaining: 0, active: false, holds: ['r1.1'], ...patch });

describe('classifyExpired', () => {
  it.each([
    ['not started, hold kept → refund and requeue', d(), g(), { kind: 'requeue', refund: true }],
    ['not started, nothing held → requeue', d(), g({ holds: [] }), { kind: 'requeue', refund: false }],
    ['started, hold refunded → requeue', d({ sendStartedAt: NOW - 5 }), g({ holds: [], remaining: 1 }), { kind: 'requeue', refund: false }],
    ['started, held, ledger 0 → probe', d({ sendStartedAt: NOW - 5 }), g(), { kind: 'probe' }],
    ['started, held, ledger 1 → unknown', d({ sendStartedAt: NOW - 5 }), g({ remaining: 1 }), { kind: 'unknown' }],
    ['started, long-term → unknown', d({ sendStartedAt: NOW - 5 }), g({ kind: 'long-term', active: true, holds: [] }), { kind: 'unknown' }],
    ['started probe, ledger 0 → probe again', d({ sendStartedAt: NOW - 5, probe: true, claimToken: 'r2.1' }), g(), { kind: 'probe' }],
    ['started probe, ledger 1 → unknown', d({ sendStartedAt: NOW - 5, probe: true }), g({ remaining: 1 }), { kind: 'unknown' }],
    ['claimed outside the dispatcher → unknown', d({ claimToken: undefined }), g(), { kind: 'unknown' }],
  ])('%s', (_name, delivery, grant, want) => {
    expect(classifyExpired(delivery, grant)).toEqual(want);
  });
});

describe('afterAttempt', () => {
  const rnd = () => 0.5;
  it('maps the outcome table: sent, -1 retry with backoff, 43101 skipped+zero, 43108 requeue, 47003 quarantine, timeout unknown', () => {
    expect(afterAttempt(d(), { ok: true, msgid: '9' }, NOW, rnd, CFG)).toMatchObject({ status: 'sent', grant: 'keep', msgid: '9', attempted: true });
    const retry = afterAttempt(d(), { ok: false, errCode: -1, errMsg: 'busy' }, NOW, rnd, CFG);
    expect(retry).toMatchObject({ status: 'pending', grant: 'refund', reason: 'system_error' });
    expect(retry.retryAt).toBeGreaterThanOrEqual(NOW + CFG.retry.baseMs / 2);
    expect(afterAttempt(d({ attempts: CFG.retry.maxAttempts - 1 }), { ok: false, errCode: -1, errMsg: '' }, NOW, rnd, CFG)).toMatchObject({ status: 'failed', grant: 'refund' });
    expect(afterAttempt(d(), { ok: false, errCode: 43101, errMsg: '' }, NOW, rnd, CFG)).toMatchObject({ status: 'skipped', reason: 'no_grant', grant: 'zero' });
    expect(afterAttempt(d(), { ok: false, errCode: 43108, errMsg: '' }, NOW, rnd, CFG)).toMatchObject({ status: 'pending', grant: 'refund', attempted: false });
    expect(afterAttempt(d(), { ok: false, errCode: 47003, errMsg: '' }, NOW, rnd, CFG)).toMatchObject({ status: 'failed', quarantine: 'campaign', grant: 'refund' });
    expect(afterAttempt(d(), { ok: false, errCode: -604102, errMsg: '', timedOut: true }, NOW, rnd, CFG)).toMatchObject({ status: 'unknown', grant: 'keep' });
  });
  it('a probe never zeroes or refunds: 43101 → unknown (the first attempt used the grant)', () => {
    expect(afterAttempt(d({ probe: true }), { ok: false, errCode: 43101, errMsg: '' }, NOW, rnd, CFG)).toMatchObject({ status: 'unknown', reason: 'ambiguous_consumed', grant: 'none' });
    expect(afterAttempt(d({ probe: true }), { ok: false, errCode: -1, errMsg: '' }, NOW, rnd, CFG)).toMatchObject({ status: 'pending', grant: 'none' });
  });
});

describe('planFlush', () => {
  it('groups by outcome: one write per group, refunds per hold token, counters per campaign, msgids logged', () => {
    const rs = [
      afterAttempt(d({ _id: 'a', openid: 'oa' }), { ok: true, msgid: '1' }, NOW, () => 0, CFG),
      afterAttempt(d({ _id: 'b', openid: 'ob' }), { ok: true, msgid: '2' }, NOW, () => 0, CFG),
      afterAttempt(d({ _id: 'c', openid: 'oc' }), { ok: false, errCode: -1, errMsg: '' }, NOW, () => 0, CFG),
      afterAttempt(d({ _id: 'e', openid: 'oe' }), { ok: false, errCode: -1, errMsg: '' }, NOW, () => 0.9, CFG),
      early(d({ _id: 'f', openid: 'of' }), 'skipped', 'frequency_cap'),
    ];
    const plan = planFlush(rs, NOW);
    expect(plan.writes.map((w) => w.ids)).toEqual([['a', 'b'], ['c', 'e'], ['f']]);
    expect(plan.writes[0]!.w).toMatchObject({ set: { status: 'sent', sentAt: NOW }, inc: { attempts: 1 } });
    expect(plan.writes[2]!.w.inc).toBeUndefined();
    expect(plan.refunds.get('r1.1')).toEqual(['g:oc:T', 'g:oe:T']);
    expect(plan.counters.get('c1')).toEqual({ sent: 2, skipped: 1 });
    expect(plan.sends.map((s) => s.msgid)).toEqual(['1', '2']);
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
  it('frequency cap counts campaign sends inside the window only', () => {
    const cap = { max: 2, perHours: 24 };
    const recent = [{ openid: 'o1', at: NOW - 3600_000 }, { openid: 'o1', at: NOW - 30 * 3600_000 }, { openid: 'o2', at: NOW }];
    expect(overCap('o1', cap, recent, NOW)).toBe(false);
    expect(overCap('o1', cap, [...recent, { openid: 'o1', at: NOW - 1 }], NOW)).toBe(true);
  });
});

it('campaign deliveries: deterministic id, per-user variables, page carries the delivery id', () => {
  const c = { _id: 'c9', templateId: 'T', data: { thing1: '{{nickname}}你好' }, page: 'pages/index/index', sendAt: NOW, miniprogramState: 'developer', lang: 'zh_CN' } as unknown as Campaign;
  const a = campaignDelivery(c, 'o1', { _id: 'o1', nickname: '小明' }, NOW);
  expect(a).toMatchObject({ _id: 'campaign:c9:o1', status: 'pending', dueAt: NOW, nextAttemptAt: NOW, data: { thing1: { value: '小明你好' } } });
  expect(a.page).toBe('pages/index/index?deliveryId=campaign:c9:o1');
  expect(campaignDelivery(c, 'o1', null, NOW + 5)._id).toBe(a._id);
});
