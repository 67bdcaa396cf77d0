// Unit: the errcode → outcome table — every documented code has a row, and the grant/retry invariants hold.
import { OUTCOMES, outcomeOf, TIMEOUT_ERRCODE, UNKNOWN_INFRA, UNKNOWN_WECHAT } from '../../core/sending/outcomes';

const WECHAT = [40001, 40003, 40014, 40037, 41030, 43101, 43107, 43108, 45168, 47003, 45009, 48001, -1];
const INFRA = [
  -601001, -601002, -601003, -601004, -601008, -604100, -604101, -604102, -604103, -604104,
  -501001, -501002, -501003, -501004, -501005, -501006, -501007, -501008, -501009,
];

describe('outcome table', () => {
  it('has a row for every errcode of §1.4, every infrastructure error of §1.3, success and timeouts', () => {
    for (const code of [0, ...WECHAT, ...INFRA]) expect(OUTCOMES[String(code)]).toBeDefined();
    expect(OUTCOMES.timeout).toBeDefined();
  });

  it('holds the invariants: retryable ⇒ refund; keep ⇒ not retried; zero only for 43101; operator told', () => {
    // Each implication below is checked on at least one row (else it would hold vacuously).
    const rows = Object.values(OUTCOMES);
    expect(rows.filter((o) => o.retryable).length).toBeGreaterThan(0);
    expect(rows.filter((o) => o.grant === 'keep').length).toBeGreaterThan(0);
    expect(rows.filter((o) => o.grant === 'zero').length).toBe(1);
    for (const [code, o] of Object.entries(OUTCOMES)) {
      if (o.retryable) expect([code, o.grant]).toEqual([code, 'refund']);
      if (o.grant === 'keep') expect([code, o.retryable]).toEqual([code, false]);
      if (o.grant === 'zero') expect(code).toBe('43101');
      expect(o.reason).toMatch(/^[a-z_]+$/);
      expect(o.operator.length).toBeGreaterThan(5);
      expect(o.status).toBe(code === '0' ? 'sent' : o.grant === 'keep' ? 'unknown' : o.grant === 'zero' ? 'skipped' : 'failed');
    }
  });

  it('maps the cases the issue names', () => {
    expect(OUTCOMES['43101']).toMatchObject({ reason: 'no_grant', retryable: false, grant: 'zero', status: 'skipped' });
    expect(OUTCOMES['43108']).toMatchObject({ retryable: true, serialise: true, grant: 'refund' });
    expect(OUTCOMES['47003']).toMatchObject({ reason: 'invalid_data', retryable: false, quarantine: 'campaign' });
    expect(OUTCOMES['-1']).toMatchObject({ retryable: true, grant: 'refund' });
    expect(OUTCOMES['-604101']).toMatchObject({ reason: 'missing_permission', halt: true, grant: 'refund' });
    expect(OUTCOMES['-501007']).toMatchObject({ reason: 'no_cloud_call_token', halt: true, grant: 'refund' });
    expect(OUTCOMES.timeout).toMatchObject({ status: 'unknown', grant: 'keep', retryable: false });
  });

  it('resolves attempts: timedOut wins over the code, unknown codes fall back by sign', () => {
    expect(outcomeOf({ ok: true })).toBe(OUTCOMES['0']);
    expect(outcomeOf({ ok: false, errCode: -501001, errMsg: 'request timeout', timedOut: true })).toBe(OUTCOMES.timeout);
    expect(outcomeOf({ ok: false, errCode: TIMEOUT_ERRCODE, errMsg: 'x' }).status).toBe('unknown');
    expect(outcomeOf({ ok: false, errCode: 40999, errMsg: 'x' })).toBe(UNKNOWN_WECHAT);
    expect(UNKNOWN_WECHAT).toMatchObject({ grant: 'refund', retryable: false });
    expect(outcomeOf({ ok: false, errCode: -123456, errMsg: 'x' })).toBe(UNKNOWN_INFRA);
    expect(UNKNOWN_INFRA).toMatchObject({ grant: 'keep', status: 'unknown' });
  });
});
