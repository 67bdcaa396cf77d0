// Unit: inline sends (record first, idempotent by id), the outbox fallback without a cloud-call token, test sends.
import { DomainError } from '../../core/envelope';
import { enqueue } from '../../core/sending/outbox';
import { hasCloudCallToken, INLINE_LEASE_MS, sendNow, type SendNowInput } from '../../core/sending/send-now';
import { previewMessage, testSend } from '../../core/sending/test-send';
import { EVENT_DATA, makeDeps, T0, wxError } from './fakes';

const CLIENT = { source: 'wx_client', openid: 'o-dev' };
const NESTED = { source: 'wx_client,scf' };
const input = (over: Partial<SendNowInput> = {}): SendNowInput => ({
  sourceType: 'test', sourceId: 's1', openid: 'o-alice', templateId: 'TPL_EVENT_REMINDER', data: EVENT_DATA, ...over,
});

describe('sendNow and the outbox', () => {
  it('detects the missing token from SOURCE', () => {
    expect(hasCloudCallToken({ source: 'wx_client' })).toBe(true);
    expect(hasCloudCallToken({ source: 'wx_trigger' })).toBe(true);
    expect(hasCloudCallToken({ source: 'wx_client,scf' })).toBe(false);
  });

  it('writes the delivery record and sends once per deterministic id', async () => {
    const { deps, ledger, wechat, deliveries } = makeDeps();
    ledger.set('o-alice', 'TPL_EVENT_REMINDER', 1);
    const r = await sendNow(deps, CLIENT, input());
    expect(r).toMatchObject({ deliveryId: 'test:s1:o-alice', status: 'sent', errCode: 0, grant: 'kept', queued: false, duplicate: false });
    expect(deliveries.docs.get('test:s1:o-alice')).toMatchObject({ status: 'sent', attempts: 1, sentAt: T0, msgid: 'msg-1', createdAt: T0 });
    // Claimed with a lease while in flight, so a killed invocation is settled by the dispatcher's recovery.
    expect(deliveries.docs.get('test:s1:o-alice')).toMatchObject({ leaseOwner: 'inline', leaseUntil: T0 + INLINE_LEASE_MS });
    const again = await sendNow(deps, CLIENT, input());
    expect(again).toMatchObject({ duplicate: true, status: 'sent' });
    expect(wechat.requests).toHaveLength(1);
  });

  it('refuses to send without a token (NO_CLOUD_CALL_TOKEN), or enqueues when asked; nothing is lost', async () => {
    const { deps, wechat, deliveries } = makeDeps();
    await expect(sendNow(deps, NESTED, input())).rejects.toMatchObject({ code: 'NO_CLOUD_CALL_TOKEN' });
    expect(deliveries.docs.size).toBe(0);
    const q = await sendNow(deps, NESTED, input(), { fallbackToOutbox: true });
    expect(q).toMatchObject({ deliveryId: 'outbox:test:s1:o-alice', status: 'pending', queued: true });
    expect(deliveries.docs.get(q.deliveryId)).toMatchObject({ sourceType: 'outbox', status: 'pending', attempts: 0, nextAttemptAt: T0 });
    expect(wechat.requests).toHaveLength(0);
  });

  it('-501007 from WeChat: with fallback the delivery stays pending for the dispatcher; without, it is final and the error is clear', async () => {
    const a = makeDeps([wxError(-501007, 'missing wxCloudApiToken')]);
    a.ledger.set('o-alice', 'TPL_EVENT_REMINDER', 1);
    const q = await sendNow(a.deps, CLIENT, input(), { fallbackToOutbox: true });
    expect(q).toMatchObject({ status: 'pending', queued: true, reason: 'no_cloud_call_token', grant: 'refunded' });
    expect(a.deliveries.docs.get(q.deliveryId)?.nextAttemptAt).toBe(q.retryAt);
    const b = makeDeps([wxError(-501007, 'missing wxCloudApiToken')]);
    b.ledger.set('o-alice', 'TPL_EVENT_REMINDER', 1);
    await expect(sendNow(b.deps, CLIENT, input())).rejects.toMatchObject({ code: 'NO_CLOUD_CALL_TOKEN' });
    expect(b.deliveries.docs.get('test:s1:o-alice')).toMatchObject({ status: 'failed', reason: 'no_cloud_call_token', errCode: -501007 });
    expect(await b.ledger.remaining('o-alice', 'TPL_EVENT_REMINDER')).toBe(1);
  });

  it('validates before anything is written or sent', async () => {
    const { deps, deliveries } = makeDeps();
    const err = await sendNow(deps, CLIENT, input({ data: { ...EVENT_DATA, time2: '明天' } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'VALIDATION_FAILED', details: { errors: [expect.objectContaining({ key: 'time2', rule: 'format', value: '明天' })] } });
    await expect(enqueue(deps, { key: 'k', openid: 'o-bob', templateId: 'NOPE', data: {} })).rejects.toMatchObject({ code: 'UNKNOWN_TEMPLATE' });
    expect(deliveries.docs.size).toBe(0);
  });

  it('enqueue is idempotent per key and openid', async () => {
    const { deps, deliveries } = makeDeps();
    const a = await enqueue(deps, { key: 'order-7', openid: 'o-bob', templateId: 'TPL_EVENT_REMINDER', data: EVENT_DATA, dueAt: T0 + 60_000 });
    const b = await enqueue(deps, { key: 'order-7', openid: 'o-bob', templateId: 'TPL_EVENT_REMINDER', data: EVENT_DATA });
    expect([a.created, b.created, a.deliveryId]).toEqual([true, false, 'outbox:order-7:o-bob']);
    expect(deliveries.docs.get(a.deliveryId)).toMatchObject({ dueAt: T0 + 60_000, data: { thing1: { value: '周末读书会' } } });
  });
});

describe('testSend and preview', () => {
  it('refuses openids outside testWhitelist before sending anything', async () => {
    const { deps, wechat } = makeDeps();
    await expect(testSend(deps, CLIENT, { templateId: 'TPL_EVENT_REMINDER', data: EVENT_DATA, openids: ['o-dev', 'o-alice'] }))
      .rejects.toMatchObject({ code: 'FORBIDDEN', details: { refused: ['o-alice'] } });
    expect(wechat.requests).toHaveLength(0);
  });

  it('sends to the caller by default and reports each outcome', async () => {
    const { deps, ledger } = makeDeps([wxError(41030)]);
    ledger.set('o-dev', 'TPL_EVENT_REMINDER', 1);
    const r = await testSend(deps, CLIENT, { templateId: 'TPL_EVENT_REMINDER', data: EVENT_DATA, page: 'pages/nope/nope' });
    expect(r.results).toEqual([{ openid: 'o-dev', outcome: 'invalid_page', errCode: 41030, deliveryId: 'test:TPL_EVENT_REMINDER.id1:o-dev' }]);
    const none = await testSend(deps, CLIENT, { templateId: 'TPL_EVENT_REMINDER', data: EVENT_DATA, openids: ['o-admin'] });
    expect(none.results[0]).toMatchObject({ openid: 'o-admin', outcome: 'no_grant' });
  });

  it('previews with normalisation and reports errors without sending', async () => {
    const { deps, wechat } = makeDeps();
    const p = await previewMessage(deps, { templateId: 'TPL_EVENT_REMINDER', data: { ...EVENT_DATA, time2: Date.UTC(2025, 0, 18, 7) }, normalise: true, page: 'pages/events/events' });
    expect(p).toMatchObject({ valid: true, errors: [], data: { time2: '2025年1月18日 15:00' } });
    expect(p.text.split('\n')[2]).toBe('开始时间:2025年1月18日 15:00');
    const bad = await previewMessage(deps, { templateId: 'TPL_EVENT_REMINDER', data: { thing1: 'a' } });
    expect(bad.valid).toBe(false);
    expect(bad.errors.map((e) => e.key)).toEqual(['time2', 'thing3', 'thing4']);
    expect(wechat.requests).toHaveLength(0);
  });
});
