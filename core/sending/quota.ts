// Core (sending): when a used-up daily quota resets. WeChat's daily API quota ([COMM-45009]) and the environment's
// request quota ([CB-QUOTA], counted per day) both reset at midnight Beijing time (UTC+8, no daylight saving).
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';

dayjs.extend(utc);
dayjs.extend(timezone);

export const QUOTA_ZONE = 'Asia/Shanghai';

/** The next midnight in Beijing time strictly after `now` (epoch ms). */
export function quotaResetAt(now: number): number {
  return dayjs(now).tz(QUOTA_ZONE).startOf('day').add(1, 'day').valueOf();
}

/** `2026-05-02 00:00` (Beijing time), for "paused for quota until …" / 配额已用完，… 恢复. */
export function describeQuotaReset(until: number): string {
  return `${dayjs(until).tz(QUOTA_ZONE).format('YYYY-MM-DD HH:mm')} 北京时间`;
}
