// Mini program unit tests: lib/subscribe (statuses, every error code, checks, request ids, report payload, retry)
// and lib/api-errors (envelope unwrap, codes in step with core/envelope.ts).
import { ERROR_CODES } from '../../core/envelope';
import { ApiError, ERROR_MESSAGES, isRetryable, unwrap } from '../../miniprogram/lib/api-errors';
import {
  ERROR_INFO, MAX_TMPL_IDS, checkRequest, classifyStatus, errorInfo, feedbackFor, newRequestId, outcomeFromError,
  outcomeFromResult, refusedOutcome, reportPayload, sendWithRetry,
} from '../../miniprogram/lib/subscribe';
import { KNOWN_KINDS, kindLookup } from '../../miniprogram/lib/template-kinds';

describe('classifyStatus', () => {
  it.each([
    ['accept', 'accept'], ['acceptWithAudio', 'accept'], ['acceptWithAlert', 'accept'], ['acceptWithForcePush', 'accept'],
    ['reject', 'reject'], ['ban', 'ban'], ['filter', 'filter'],
    ['Accept', 'unknown'], ['rejected', 'unknown'], ['', 'unknown'], [undefined, 'unknown'], [1, 'unknown'],
  ])('%p → %p', (raw, want) => expect(classifyStatus(raw)).toBe(want));
});

describe('errorInfo: every documented errCode', () => {
  const codes = [10001, 10002, 10003, 10004, 10005, 20001, 20002, 20003, 20004, 20005];
  it('has a Chinese message for each, and only these', () => {
    expect(Object.keys(ERROR_INFO).map(Number).sort()).toEqual(codes);
    for (const c of codes) expect(errorInfo(c).message).toMatch(/[\u4e00-\u9fa5]/);
    expect(new Set(codes.map((c) => errorInfo(c).message)).size).toBe(codes.length);
  });
  it.each([
    [10001, 'none'], [10002, 'retry'], [10003, 'retry'], [10004, 'none'], [10005, 'retry'],
    [20001, 'none'], [20002, 'none'], [20003, 'none'], [20004, 'settings'], [20005, 'none'],
  ])('%p → action %p', (code, action) => expect(errorInfo(code).action).toBe(action));
  it('20004 mentions the main switch, 20002 the mix, 20003 the cap', () => {
    expect(errorInfo(20004).message).toContain('总开关');
    expect(errorInfo(20002).message).toContain('长期订阅');
    expect(errorInfo(20003).message).toContain(String(MAX_TMPL_IDS));
  });
  it('unknown codes and the tap-only failure', () => {
    expect(errorInfo(99999).message).toContain('99999');
    expect(errorInfo(undefined, 'requestSubscribeMessage:fail can only be invoked by user TAP gesture.').message)
      .toBe('请点击按钮后再订阅');
  });
});

describe('checkRequest', () => {
  const kinds = kindLookup();
  it('accepts 1..3 one-time ids and drops duplicates', () => {
    expect(checkRequest(['TPL_EVENT_REMINDER', 'TPL_EVENT_REMINDER', 'TPL_NEW_ARRIVAL'], kinds))
      .toEqual({ ok: true, tmplIds: ['TPL_EVENT_REMINDER', 'TPL_NEW_ARRIVAL'] });
  });
  it('refuses empty, more than 3, and a one-time/long-term mix', () => {
    expect(checkRequest([], kinds).ok).toBe(false);
    expect(checkRequest(null, kinds).ok).toBe(false);
    expect(checkRequest(['A', 'B', 'C', 'D'], kinds)).toMatchObject({ ok: false, message: expect.stringContaining('3') });
    expect(checkRequest(['TPL_ORDER_STATUS', 'TPL_SERVICE_NOTICE'], kinds).ok).toBe(false);
  });
  it('kind overrides win over the registry; unknown kinds are left to WeChat (20001/20002)', () => {
    expect(checkRequest(['TPL_ORDER_STATUS', 'X'], kindLookup({ X: 'long-term' })).ok).toBe(false);
    expect(checkRequest(['TPL_ORDER_STATUS', 'X'], kinds).ok).toBe(true);
  });
  it('the registry matches the demo templates (type 2 one-time, TPL_SERVICE_NOTICE type 3)', () => {
    expect(KNOWN_KINDS).toEqual({
      TPL_EVENT_REMINDER: 'one-time', TPL_ORDER_STATUS: 'one-time', TPL_NEW_ARRIVAL: 'one-time',
      TPL_SERVICE_NOTICE: 'long-term', TPL_APPLY_RESULT: 'one-time',
    });
  });
});

describe('outcomes and feedback', () => {
  const ids = ['A', 'B', 'C'];
  it('sorts statuses of the asked ids only', () => {
    const o = outcomeFromResult(ids, { errMsg: 'requestSubscribeMessage:ok', A: 'acceptWithAlert', B: 'ban', C: 'filter', Z: 'accept' });
    expect(o).toMatchObject({ kind: 'result', accepted: ['A'], banned: ['B'], filtered: ['C'], rejected: [] });
    expect(o.raw).toEqual({ A: 'acceptWithAlert', B: 'ban', C: 'filter' });
  });
  it('feedback: all accepted → success toast; reject → toast; ban → modal; filter → modal; mixed → modal', () => {
    expect(feedbackFor(outcomeFromResult(['A'], { A: 'accept' }))).toMatchObject({ type: 'toast', icon: 'success' });
    expect(feedbackFor(outcomeFromResult(['A'], { A: 'reject' }))).toMatchObject({ type: 'toast', icon: 'none' });
    expect(feedbackFor(outcomeFromResult(['A'], { A: 'ban' }))).toMatchObject({ type: 'modal', title: '消息已被屏蔽' });
    expect(feedbackFor(outcomeFromResult(['A'], { A: 'filter' }))).toMatchObject({ type: 'modal', content: expect.stringContaining('过滤') });
    expect(feedbackFor(outcomeFromResult(['A', 'B'], { A: 'accept', B: 'reject' }))).toMatchObject({ type: 'modal', title: '部分订阅成功' });
  });
  it('feedback for errors: 20004 → settings, others → modal with the code message', () => {
    expect(feedbackFor(outcomeFromError(['A'], { errCode: 20004, errMsg: 'x' }))).toMatchObject({ type: 'settings' });
    expect(feedbackFor(outcomeFromError(['A'], { errCode: 10005, errMsg: 'x' }))).toMatchObject({ type: 'modal', content: errorInfo(10005).message });
    expect(outcomeFromError(['A'], null).error).toMatchObject({ errCode: -1 });
    expect(feedbackFor(refusedOutcome(['A'], '不行'))).toEqual({ type: 'modal', title: '无法订阅', content: '不行' });
  });
});

describe('request ids and the report payload', () => {
  it('request ids are 8..64 id characters and differ per tap', () => {
    let i = 0;
    const rand = () => ((i++ * 7) % 36) / 36; // deterministic, never repeats within 36 draws
    const a = newRequestId(1_700_000_000_000, rand);
    const b = newRequestId(1_700_000_000_000, rand);
    for (const id of [a, b]) expect(id).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(a).not.toBe(b);
  });
  it('result payload carries raw statuses; error payload carries the code; limits are applied', () => {
    const place = { page: 'p'.repeat(80), button: 'b'.repeat(40) };
    const ok = reportPayload('rq-12345678', place, outcomeFromResult(['A'], { A: 'acceptWithForcePush' }));
    expect(ok).toEqual({ requestId: 'rq-12345678', placement: { page: 'p'.repeat(64), button: 'b'.repeat(32) }, tmplIds: ['A'], result: { A: 'acceptWithForcePush' } });
    const err = reportPayload('rq-12345678', { page: 'x', button: 'y' }, outcomeFromError(['A'], { errCode: 20004, errMsg: 'm'.repeat(300) }));
    expect(err.error).toEqual({ errCode: 20004, errMsg: 'm'.repeat(256) });
    expect(err.result).toBeUndefined();
  });
});

describe('sendWithRetry', () => {
  const opts = { attempts: 3, delayMs: 1, sleep: async () => {}, retryable: isRetryable };
  it('retries network failures and returns the first success', async () => {
    const send = jest.fn().mockRejectedValueOnce(new ApiError('NETWORK')).mockResolvedValueOnce('done');
    await expect(sendWithRetry(send, opts)).resolves.toEqual({ ok: true, data: 'done', attempts: 2 });
  });
  it('does not retry a refusal by the server', async () => {
    const send = jest.fn().mockRejectedValue(new ApiError('INVALID_INPUT'));
    await expect(sendWithRetry(send, opts)).resolves.toMatchObject({ ok: false, attempts: 1 });
    expect(send).toHaveBeenCalledTimes(1);
  });
  it('gives up after the last attempt', async () => {
    const send = jest.fn().mockRejectedValue(new ApiError('INTERNAL'));
    await expect(sendWithRetry(send, opts)).resolves.toMatchObject({ ok: false, attempts: 3 });
  });
});

describe('api envelope', () => {
  it('knows every server code of core/envelope.ts', () => {
    for (const code of Object.keys(ERROR_CODES)) expect(ERROR_MESSAGES).toHaveProperty(code);
  });
  it('unwraps data, throws typed errors with Chinese messages', () => {
    expect(unwrap({ ok: true, data: { n: 1 } })).toEqual({ n: 1 });
    let caught: unknown;
    try { unwrap({ ok: false, error: { code: 'NO_GRANT', message: 'the user has no remaining grant' } }); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(ApiError);
    expect(caught).toMatchObject({ code: 'NO_GRANT', message: ERROR_MESSAGES.NO_GRANT, serverMessage: 'the user has no remaining grant' });
    expect(() => unwrap('oops')).toThrow(ERROR_MESSAGES.BAD_RESPONSE);
    expect(() => unwrap({ ok: false, error: { code: 'WHAT', message: '' } })).toThrow(ERROR_MESSAGES.INTERNAL);
  });
});
