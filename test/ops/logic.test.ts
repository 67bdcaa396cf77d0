// Pure logic of campaign operations with fixed instants: occurrences (monthly clamp, weekly, cron in a zone, until),
// the quota reset, the app cap's next free time, deferral expiry, and the alert causes of send results.
import { describeRecurrence, isCron, nextOccurrence, occurrencesBetween, type Recurrence } from '../../core/campaigns/recurrence';
import { quotaResetAt } from '../../core/sending/quota';
import { capFreeAt } from '../../core/dispatch/windows';
import { deferOrExpire, quietVerdict } from '../../core/dispatch/rules';
import { alertsOf, ambiguousAlert } from '../../core/dispatch/ops';
import { afterAttempt, type Result } from '../../core/sending/settle';
import { newDelivery, type Delivery } from '../../core/delivery';
import { DEFAULT_DISPATCH_CONFIG } from '../../core/dispatch/config';
import { parseFaultSpec } from '../../emulator/wechat/faults';

const at = (iso: string) => Date.parse(iso);
const d = (patch: Partial<Delivery> = {}): Delivery => ({ ...newDelivery({ sourceType: 'campaign', sourceId: 'c1', openid: 'o1', templateId: 'T', data: {} }, 'sending', at('2026-05-01T00:00:00Z')), ...patch });

describe('recurrence', () => {
  it('monthly on the 31st: the last day of shorter months, Beijing wall time', () => {
    const r = { kind: 'monthly', day: 31, at: '09:00' } as const;
    const list = occurrencesBetween(r, 'Asia/Shanghai', at('2026-01-01T00:00:00Z'), at('2026-05-01T00:00:00Z'));
    expect(list.map((o) => o.local)).toEqual(['2026-01-31 09:00', '2026-02-28 09:00', '2026-03-31 09:00', '2026-04-30 09:00']);
    expect(list[0]).toMatchObject({ at: at('2026-01-31T01:00:00Z'), key: '20260131' });
  });
  it('weekly on ISO weekdays, strictly after the instant given', () => {
    const r: Recurrence = { kind: 'weekly', weekdays: [1, 5], at: '09:00' };
    expect(nextOccurrence(r, 'Asia/Shanghai', at('2026-05-01T01:00:00Z'))?.local).toBe('2026-05-04 09:00'); // Fri 09:00 itself excluded
    expect(nextOccurrence(r, 'Asia/Shanghai', at('2026-05-01T00:59:59Z'))?.local).toBe('2026-05-01 09:00');
    expect(describeRecurrence(r)).toBe('每周一、五 09:00');
  });
  it('cron in the series zone; a key per fire; `until` ends the series', () => {
    const r = { kind: 'cron', cron: '30 8 * * 1-5', until: '2026-05-05' } as const;
    expect(nextOccurrence(r, 'Asia/Shanghai', at('2026-05-01T01:00:00Z'))).toMatchObject({ local: '2026-05-04 08:30', key: '20260504T0830' });
    expect(nextOccurrence(r, 'Asia/Shanghai', at('2026-05-05T01:00:00Z'))).toBeNull();
    expect(isCron('0 9 * *')).toBe(false);
    expect(isCron('0 9 * * MON')).toBe(true);
  });
  it('daily across the Europe/London DST change keeps 09:00 local', () => {
    const list = occurrencesBetween({ kind: 'daily', at: '09:00' }, 'Europe/London', at('2026-03-28T12:00:00Z'), at('2026-03-30T12:00:00Z'));
    expect(list.map((o) => new Date(o.at).toISOString())).toEqual(['2026-03-29T08:00:00.000Z', '2026-03-30T08:00:00.000Z']);
  });
});

describe('quota, caps, deferral', () => {
  it('the quota resets at the next midnight Beijing time', () => {
    expect(quotaResetAt(at('2026-05-01T02:00:00Z'))).toBe(at('2026-05-01T16:00:00Z'));
    expect(quotaResetAt(at('2026-05-01T16:00:00Z'))).toBe(at('2026-05-02T16:00:00Z'));
  });
  it('45009 consumes nothing: pending until midnight, the hold refunded, no attempt counted', () => {
    const r = afterAttempt(d(), true, { ok: false, errCode: 45009, errMsg: 'reach max api daily quota limit' }, at('2026-05-01T02:00:00Z'), () => 0, DEFAULT_DISPATCH_CONFIG);
    expect(r).toMatchObject({ status: 'pending', grant: 'refund', attempted: false, retryAt: at('2026-05-01T16:00:00Z'), quotaPauseUntil: at('2026-05-01T16:00:00Z'), halt: true });
  });
  it('the app cap is free again when the oldest send that fills it leaves the window', () => {
    const load = [{ openid: 'o1', status: 'sent', at: 1000 }, { openid: 'o1', status: 'sent', at: 5000 }, { openid: 'o2', status: 'sent', at: 9000 }];
    expect(capFreeAt('o1', { max: 2, perHours: 1 }, load, 6000)).toBe(1000 + 3_600_000);
    expect(capFreeAt('o1', { max: 3, perHours: 1 }, load, 6000)).toBe(6000);
  });
  it('a deferral past the expiry is an expiry; quiet hours are read in the recipient zone', () => {
    const rules = { deferExpiryHours: 10, zone: 'Asia/Shanghai', quietHours: { start: '22:00', end: '08:00' } };
    const due = at('2026-05-01T15:00:00Z');
    expect(deferOrExpire(d({ dueAt: due }), due + 10 * 3_600_000, 'x', rules)).toMatchObject({ kind: 'defer' });
    expect(deferOrExpire(d({ dueAt: due }), due + 10 * 3_600_000 + 1, 'x', rules)).toMatchObject({ kind: 'expire' });
    expect(quietVerdict(d({ dueAt: due }), undefined, rules, due)).toMatchObject({ kind: 'defer', until: at('2026-05-02T00:00:00Z') });
    expect(quietVerdict(d({ dueAt: due, tz: 'Europe/London' }), undefined, rules, due)).toEqual({ kind: 'go' });
    expect(quietVerdict(d({ dueAt: due, sourceType: 'reminder' }), undefined, rules, due)).toEqual({ kind: 'go' });
    expect(quietVerdict(d({ dueAt: due, sourceType: 'reminder', appRules: true }), undefined, rules, due)).toMatchObject({ kind: 'defer' });
  });
});

describe('alert causes', () => {
  const fail = (errCode: number, patch: Partial<Delivery> = {}): Result =>
    afterAttempt(d(patch), true, { ok: false, errCode, errMsg: 'x' }, at('2026-05-01T02:00:00Z'), () => 0, DEFAULT_DISPATCH_CONFIG);
  it('one alert per cause of a flush', () => {
    const causes = alertsOf([fail(47003), fail(47003, { openid: 'o2' }), fail(40037), fail(43107), fail(-604101), fail(41030, { page: 'pages/x/x?deliveryId=1' }), fail(45009), fail(-1)]).map((a) => a.cause);
    expect(causes).toEqual(['campaign:c1:quarantined', 'template:T:40037', 'template:T:43107', 'permission:subscribeMessage.send', 'page:pages/x/x', 'quota:2026-05-02']);
  });
  it('ambiguous rate above the threshold with enough sends', () => {
    expect(ambiguousAlert({ _id: 'c', counters: { sent: 18, unknown: 2 } }, 0.05, 20)?.cause).toBe('campaign:c:ambiguous');
    expect(ambiguousAlert({ _id: 'c', counters: { sent: 19, unknown: 1 } }, 0.05, 20)).toBeNull();
    expect(ambiguousAlert({ _id: 'c', counters: { sent: 5, unknown: 5 } }, 0.05, 20)).toBeNull();
  });
});

describe('emulator fault injection of the daily quotas', () => {
  it('accepts dailySendQuota / envRequestQuota as whole numbers of calls a day, and names a bad value', () => {
    expect(parseFaultSpec({ dailySendQuota: 0, envRequestQuota: 100 })).toEqual({ dailySendQuota: 0, envRequestQuota: 100 });
    expect(() => parseFaultSpec({ dailySendQuota: -1 })).toThrow('"dailySendQuota" must be an integer >= 0');
    expect(() => parseFaultSpec({ dailyQuota: 3 })).toThrow('unknown key "dailyQuota"');
  });
});
