// Unit: deliverOne with in-memory ports — validation before WeChat, grant reserve/refund/zero, retries, timeouts.
import { applyResult, deliverOne, type DeliveryInput } from '../../core/sending/pipeline';
import { toWechatData } from '../../core/template/validate';
import { EVENT_DATA, makeDeps, T0, wxError } from './fakes';

const delivery = (over: Partial<DeliveryInput> = {}): DeliveryInput => ({
  _id: 'reminder:r1:o-alice',
  openid: 'o-alice',
  templateId: 'TPL_EVENT_REMINDER',
  data: toWechatData(EVENT_DATA),
  page: 'pages/events/events?eventId=e1',
  attempts: 0,
  ...over,
});

describe('deliverOne', () => {
  it('sends with miniprogramState and lang from config, keeps the grant, records msgid', async () => {
    const { deps, ledger, wechat } = makeDeps();
    ledger.set('o-alice', 'TPL_EVENT_REMINDER', 2);
    const r = await deliverOne(deps, delivery());
    expect(r).toMatchObject({ status: 'sent', errCode: 0, grant: 'kept', attempts: 1, msgid: 'msg-1', at: T0 });
    expect(wechat.requests[0]).toMatchObject({ touser: 'o-alice', miniprogramState: 'developer', lang: 'zh_CN', page: 'pages/events/events?eventId=e1' });
    expect(await ledger.remaining('o-alice', 'TPL_EVENT_REMINDER')).toBe(1);
    expect(applyResult(r)).toMatchObject({ status: 'sent', attempts: 1, sentAt: T0, msgid: 'msg-1', errCode: 0, reason: null });
  });

  it('never calls WeChat nor touches the grant when validation fails', async () => {
    const { deps, ledger, wechat } = makeDeps();
    ledger.set('o-alice', 'TPL_EVENT_REMINDER', 1);
    const r = await deliverOne(deps, delivery({ data: toWechatData({ ...EVENT_DATA, thing1: 'x'.repeat(21) }) }));
    expect(r).toMatchObject({ status: 'failed', reason: 'validation', grant: 'none', attempts: 0 });
    expect(r.errors).toEqual([expect.objectContaining({ key: 'thing1', rule: 'length' })]);
    expect(wechat.requests).toHaveLength(0);
    expect(ledger.log).toEqual([]);
    expect(applyResult(r).detail).toContain('thing1');
  });

  it('skips without sending when the ledger has no grant, and fails on an unknown template', async () => {
    const { deps, wechat } = makeDeps();
    expect(await deliverOne(deps, delivery())).toMatchObject({ status: 'skipped', reason: 'no_grant', grant: 'none' });
    expect(await deliverOne(deps, delivery({ templateId: 'NOPE' }))).toMatchObject({ status: 'failed', reason: 'unknown_template' });
    expect(wechat.requests).toHaveLength(0);
  });

  it('43101 zeroes the ledger and is never retried', async () => {
    const { deps, ledger } = makeDeps([wxError(43101)]);
    ledger.set('o-alice', 'TPL_EVENT_REMINDER', 3);
    const r = await deliverOne(deps, delivery());
    expect(r).toMatchObject({ status: 'skipped', reason: 'no_grant', errCode: 43101, grant: 'zeroed' });
    expect(r.retryAt).toBeUndefined();
    expect(await ledger.remaining('o-alice', 'TPL_EVENT_REMINDER')).toBe(0);
    expect(ledger.log).toContain('zero o-alice TPL_EVENT_REMINDER errcode 43101');
  });

  it('retryable errors refund the grant and come back pending with a backoff time, until attempts run out', async () => {
    const { deps, ledger } = makeDeps([wxError(-1), wxError(43108)]);
    ledger.set('o-alice', 'TPL_EVENT_REMINDER', 1);
    const r = await deliverOne(deps, delivery());
    expect(r).toMatchObject({ status: 'pending', reason: 'system_error', errCode: -1, grant: 'refunded', attempts: 1 });
    expect(r.retryAt).toBeGreaterThanOrEqual(T0 + 7_500);
    expect(r.retryAt).toBeLessThanOrEqual(T0 + 15_000);
    expect(await ledger.remaining('o-alice', 'TPL_EVENT_REMINDER')).toBe(1);
    const c = await deliverOne(deps, delivery({ attempts: 1 }));
    expect(c).toMatchObject({ status: 'pending', reason: 'concurrent_send', outcome: expect.objectContaining({ serialise: true }) });
    const last = await deliverOne(makeDeps([wxError(-1)]).deps, delivery({ attempts: 4 }));
    expect(last.status).toBe('skipped'); // new deps: no grant at all
    const d2 = makeDeps([wxError(-1)]);
    d2.ledger.set('o-alice', 'TPL_EVENT_REMINDER', 1);
    expect(await deliverOne(d2.deps, delivery({ attempts: 4 }))).toMatchObject({ status: 'failed', reason: 'system_error', attempts: 5, grant: 'refunded' });
  });

  it('a timeout is unknown: grant kept as consumed, not retried', async () => {
    const { deps, ledger } = makeDeps([{ ok: false, errCode: -501001, errMsg: 'request timeout', timedOut: true }]);
    ledger.set('o-alice', 'TPL_EVENT_REMINDER', 1);
    const r = await deliverOne(deps, delivery());
    expect(r).toMatchObject({ status: 'unknown', reason: 'timeout', grant: 'kept' });
    expect(r.retryAt).toBeUndefined();
    expect(await ledger.remaining('o-alice', 'TPL_EVENT_REMINDER')).toBe(0);
  });

  it('a sender that throws is treated as unknown (may have reached WeChat)', async () => {
    const { deps, ledger } = makeDeps([new Error('boom')]);
    ledger.set('o-alice', 'TPL_EVENT_REMINDER', 1);
    expect(await deliverOne(deps, delivery())).toMatchObject({ status: 'unknown', grant: 'kept', reason: 'unexpected_error' });
  });

  it('non-retryable WeChat refusals refund: 40003, 40037, 41030, 43107, 45168, 47003', async () => {
    for (const [code, reason] of [[40003, 'invalid_openid'], [40037, 'invalid_template'], [41030, 'invalid_page'], [43107, 'banned'], [45168, 'sensitive_words'], [47003, 'invalid_data']] as const) {
      const { deps, ledger } = makeDeps([wxError(code)]);
      ledger.set('o-alice', 'TPL_EVENT_REMINDER', 1);
      expect(await deliverOne(deps, delivery())).toMatchObject({ status: 'failed', reason, errCode: code, grant: 'refunded' });
      expect(await ledger.remaining('o-alice', 'TPL_EVENT_REMINDER')).toBe(1);
    }
  });
});
