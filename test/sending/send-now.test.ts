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
    // Settled: no claim left on the delivery, no hold left on the grant.
    expect(deliveries.docs.get('test:s1:o-alice')).not.toHaveProperty('leaseOwner');
    expect(ledger.held('o-alice', 'TPL_EVENT_REMINDER')).toEqual([]);
    const again = await sendNow(deps, CLIENT, input());
    expect(again).toMatchObject({ duplicate: true, status: 'sent' });
    expect(wechat.requests).toHaveLength(1);
  });

  it('refuses to send without a token (NO_CLOUD_CALL_TOKEN), or enqueues when asked; nothing is lost', async () => {
    const { deps, wechat, deliveries } = makeDeps();
    await expect(sendNow(deps, NESTED, input())).rejects.toMatchObject({ code: 'NO_CLOUD_CALL_TOKEN' });
    expect(deliveries.docs.size).toBe(0);
    const q = await sendNow(deps, NESTED, input(), { fallbackToOutbox: true });
    expect(q).toMatchObject({ deliveryId: 'notify:test:s1:o-alice', status: 'pending', queued: true });
    expect(deliveries.docs.get(q.deliveryId)).toMatchObject({ sourceType: 'notify', status: 'pending', attempts: 0, nextAttemptAt: T0 });
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
    expect([a.created, b.created, a.deliveryId]).toEqual([true, false, 'notify:order-7:o-bob']);
    expect(deliveries.docs.get(a.deliveryId)).toMatchObject({ dueAt: T0 + 60_000, data: { thing1: { value: '周末读书会' } } });
  });
});

describe('sendNow: the shared send path (core/sending/settle.ts) inline', () => {
  const TPL = 'TPL_EVENT_REMINDER';

  it('while in flight: claimed with a lease and a claim token, the grant held by that token, marked started', async () => {
    const { deps, ledger, deliveries } = makeDeps();
    ledger.set('o-alice', TPL, 2);
    let seen: Record<string, unknown> | undefined;
    let holds: string[] = [];
    deps.wechat = { send: async () => ((seen = { ...deliveries.docs.get('test:s1:o-alice') }), (holds = [...ledger.held('o-alice', TPL)]), { ok: true }) };
    await sendNow(deps, CLIENT, input());
    expect(seen).toMatchObject({ status: 'sending', leaseUntil: T0 + INLINE_LEASE_MS, sendStartedAt: T0, claimToken: expect.stringMatching(/^i\./) });
    expect(seen?.leaseOwner).toBe(seen?.claimToken);
    expect(holds).toEqual([seen?.claimToken]);
    expect(await ledger.remaining('o-alice', TPL)).toBe(1);
    expect(ledger.held('o-alice', TPL)).toEqual([]);
  });

  it('invalid data never reaches WeChat and never touches the grant', async () => {
    const { deps, ledger, wechat } = makeDeps();
    ledger.set('o-alice', TPL, 1);
    await expect(sendNow(deps, CLIENT, input({ data: { ...EVENT_DATA, thing1: 'x'.repeat(21) } }))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(wechat.requests).toHaveLength(0);
    expect(ledger.log).toEqual([]);
  });

  it('no grant: skipped without calling WeChat; long-term sends while active and holds nothing', async () => {
    const { deps, ledger, wechat } = makeDeps();
    expect(await sendNow(deps, CLIENT, input())).toMatchObject({ status: 'skipped', reason: 'no_grant', grant: 'none' });
    expect(wechat.requests).toHaveLength(0);
    ledger.set('o-alice', 'TPL_SERVICE_NOTICE', 1, 'long-term');
    const data = { thing1: '营业执照办理', phrase2: '审核中', time3: '2025年1月18日 15:00' };
    const r = await sendNow(deps, CLIENT, input({ sourceId: 's2', templateId: 'TPL_SERVICE_NOTICE', data }));
    expect(r).toMatchObject({ status: 'sent', grant: 'none' });
    expect(ledger.held('o-alice', 'TPL_SERVICE_NOTICE')).toEqual([]);
  });

  it('43101 zeroes the grant (pulling its own hold only) and is never retried', async () => {
    const { deps, ledger } = makeDeps([wxError(43101)]);
    ledger.set('o-alice', TPL, 3);
    expect(await sendNow(deps, CLIENT, input())).toMatchObject({ status: 'skipped', reason: 'no_grant', errCode: 43101, grant: 'zeroed' });
    expect(await ledger.remaining('o-alice', TPL)).toBe(0);
    expect(ledger.held('o-alice', TPL)).toEqual([]);
  });

  it('-1 and 43108: pending for the dispatcher, grant refunded; 43108 does not count as an attempt', async () => {
    const a = makeDeps([wxError(-1)]);
    a.ledger.set('o-alice', TPL, 1);
    expect(await sendNow(a.deps, CLIENT, input())).toMatchObject({ status: 'pending', reason: 'system_error', grant: 'refunded', queued: true });
    expect(a.deliveries.docs.get('test:s1:o-alice')).toMatchObject({ status: 'pending', attempts: 1 });
    expect(await a.ledger.remaining('o-alice', TPL)).toBe(1);
    const b = makeDeps([wxError(43108)]);
    b.ledger.set('o-alice', TPL, 1);
    expect(await sendNow(b.deps, CLIENT, input())).toMatchObject({ status: 'pending', reason: 'concurrent_send', grant: 'refunded' });
    expect(b.deliveries.docs.get('test:s1:o-alice')).toMatchObject({ status: 'pending', attempts: 0 });
    expect([a.ledger.held('o-alice', TPL), b.ledger.held('o-alice', TPL)]).toEqual([[], []]);
  });

  it('no answer (timeout, or the sender threw): unknown, the grant stays used, never retried', async () => {
    for (const answer of [{ ok: false as const, errCode: -501001, errMsg: 'request timeout', timedOut: true }, new Error('boom')]) {
      const { deps, ledger, deliveries } = makeDeps([answer]);
      ledger.set('o-alice', TPL, 1);
      const r = await sendNow(deps, CLIENT, input());
      expect(r).toMatchObject({ status: 'unknown', grant: 'kept' });
      expect(r.retryAt).toBeUndefined();
      expect(await ledger.remaining('o-alice', TPL)).toBe(0);
      expect(ledger.held('o-alice', TPL)).toEqual([]);
      expect(deliveries.docs.get('test:s1:o-alice')).not.toHaveProperty('holdOpen');
    }
  });

  it.each([[40003], [40037], [41030], [43107], [45168], [47003]])('errcode %i: failed, the grant refunded', async (code) => {
    const { deps, ledger } = makeDeps([wxError(code)]);
    ledger.set('o-alice', TPL, 1);
    expect(await sendNow(deps, CLIENT, input())).toMatchObject({ status: 'failed', errCode: code, grant: 'refunded' });
    expect(await ledger.remaining('o-alice', TPL)).toBe(1);
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

describe('inline sends and the daily-quota pause', () => {
  const MIDNIGHT = Date.UTC(2025, 0, 15, 16, 0, 0); // 2025-01-16 00:00 Beijing time, the reset after T0
  /** The dispatcher's state document, in memory (core/dispatch/ops.ts OpsStore read / pauseForQuota). */
  function pauseState(initial: { quotaPausedUntil?: number; quotaErrCode?: number } = {}) {
    let s = { ...initial };
    return {
      get: () => s,
      port: {
        read: async () => s,
        pauseForQuota: async (until: number, errCode: number, now: number) => {
          if (s.quotaPausedUntil === undefined || s.quotaPausedUntil < until) s = { quotaPausedUntil: until, quotaErrCode: errCode, quotaSince: now } as typeof s;
        },
      },
    };
  }

  it('while paused an inline send never reaches WeChat: QUOTA_PAUSED with the reset time, nothing written or reserved', async () => {
    const { deps, ledger, wechat, deliveries } = makeDeps();
    ledger.set('o-alice', 'TPL_EVENT_REMINDER', 1);
    deps.quota = pauseState({ quotaPausedUntil: MIDNIGHT, quotaErrCode: 45009 }).port;
    const err = await sendNow(deps, CLIENT, input()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'QUOTA_PAUSED', details: { until: MIDNIGHT, errCode: 45009 } });
    expect((err as Error).message).toContain('paused for quota until 2025-01-16 00:00 UTC+8 (errcode 45009)');
    expect(wechat.requests).toHaveLength(0);
    expect(deliveries.docs.size).toBe(0);
    expect(await ledger.remaining('o-alice', 'TPL_EVENT_REMINDER')).toBe(1);
    // A test send (admin, whitelist) takes the same path and answers the same code.
    await expect(testSend(deps, CLIENT, { templateId: 'TPL_EVENT_REMINDER', data: EVENT_DATA })).rejects.toMatchObject({ code: 'QUOTA_PAUSED' });
    expect(wechat.requests).toHaveLength(0);
  });

  it('with the outbox fallback the message waits, pending, for the dispatcher after the reset; a retry queues nothing twice', async () => {
    const { deps, wechat, deliveries } = makeDeps();
    deps.quota = pauseState({ quotaPausedUntil: MIDNIGHT, quotaErrCode: 45009 }).port;
    const q = await sendNow(deps, CLIENT, input(), { fallbackToOutbox: true });
    expect(q).toMatchObject({ deliveryId: 'notify:test:s1:o-alice', status: 'pending', queued: true, reason: 'quota_paused', retryAt: MIDNIGHT, grant: 'none', duplicate: false });
    expect(deliveries.docs.get(q.deliveryId)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await sendNow(deps, CLIENT, input(), { fallbackToOutbox: true })).toMatchObject({ deliveryId: q.deliveryId, duplicate: true });
    expect(deliveries.docs.size).toBe(1);
    expect(wechat.requests).toHaveLength(0);
  });

  it('a pause that ended holds nothing back', async () => {
    const { deps, ledger, wechat, clock } = makeDeps();
    ledger.set('o-alice', 'TPL_EVENT_REMINDER', 1);
    deps.quota = pauseState({ quotaPausedUntil: T0 + 1000, quotaErrCode: 45009 }).port;
    clock.advance(1000);
    expect(await sendNow(deps, CLIENT, input())).toMatchObject({ status: 'sent' });
    expect(wechat.requests).toHaveLength(1);
  });

  it('an inline send that meets 45009 itself pauses every sender: the next inline send does not call WeChat', async () => {
    const { deps, ledger, wechat } = makeDeps([wxError(45009, 'reach max api daily quota limit')]);
    ledger.set('o-alice', 'TPL_EVENT_REMINDER', 2);
    const state = pauseState();
    deps.quota = state.port;
    const first = await sendNow(deps, CLIENT, input());
    expect(first).toMatchObject({ status: 'pending', reason: 'daily_quota', queued: true, grant: 'refunded', retryAt: MIDNIGHT });
    expect(state.get()).toMatchObject({ quotaPausedUntil: MIDNIGHT, quotaErrCode: 45009 });
    await expect(sendNow(deps, CLIENT, input({ sourceId: 's2' }))).rejects.toMatchObject({ code: 'QUOTA_PAUSED' });
    expect(wechat.requests).toHaveLength(1);
  });
});
