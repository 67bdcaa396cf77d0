// Mini program lib: an inline send held back by the daily-quota pause reads "配额已用完，… 恢复" with the reset time
// the function answered (QUOTA_PAUSED details.until), and a tester held back mid-batch reads the same cause.
import { ApiError, ERROR_MESSAGES, messageOf, unwrap } from '../../miniprogram/lib/api-errors';
import { testSendLine } from '../../miniprogram/lib/outcomes';

const MIDNIGHT = Date.parse('2026-05-01T16:00:00Z');

it('QUOTA_PAUSED shows when sending resumes, in Beijing time', () => {
  const env = { ok: false, error: { code: 'QUOTA_PAUSED', message: 'paused for quota until 2026-05-02 00:00 UTC+8', details: { until: MIDNIGHT, errCode: 45009 } } };
  const err = (() => {
    try {
      unwrap(env);
    } catch (e) {
      return e;
    }
    return null;
  })();
  expect(err).toBeInstanceOf(ApiError);
  expect(messageOf(err)).toBe('配额已用完，2026-05-02 00:00 北京时间 恢复');
  // Without a time in the answer: the general text, never an English message.
  expect(new ApiError('QUOTA_PAUSED', 'x').message).toBe(ERROR_MESSAGES.QUOTA_PAUSED);
});

it('a tester held back by the pause reads the cause in Chinese', () => {
  expect(testSendLine({ openid: 'o-dev', nickname: '小明', outcome: 'quota_paused' })).toBe('小明：配额已用完，暂停发送至北京时间零点');
});
