// Unit (core): local time + zone → epoch ms, refusals, quiet-hour windows.
import { describeInstant, epochToLocal, localToEpoch, resolveSendAt } from '../../core/campaigns/schedule';
import { inQuietHours } from '../../core/campaigns/quiet-hours';
import { DomainError } from '../../core/envelope';
import { NOW } from './fakes';

describe('campaign schedule times', () => {
  it('reads 09:00 Beijing time as 01:00Z', () => {
    const at = localToEpoch('2026-11-21 09:00', 'Asia/Shanghai');
    expect(new Date(at).toISOString()).toBe('2026-11-21T01:00:00.000Z');
    expect(epochToLocal(at, 'Asia/Shanghai')).toBe('2026-11-21 09:00');
    expect(describeInstant(at, 'Asia/Shanghai')).toBe('2026-11-21 09:00 +08:00');
  });

  it('honours other zones, DST included', () => {
    expect(new Date(localToEpoch('2026-11-21 09:00', 'UTC')).toISOString()).toBe('2026-11-21T09:00:00.000Z');
    expect(new Date(localToEpoch('2026-07-01 09:00', 'Europe/Berlin')).toISOString()).toBe('2026-07-01T07:00:00.000Z');
    expect(new Date(localToEpoch('2026-01-01 09:00', 'Europe/Berlin')).toISOString()).toBe('2026-01-01T08:00:00.000Z');
  });

  it.each([
    ['2026-11-21T09:00', 'Asia/Shanghai', 'format'],
    ['2026-02-30 09:00', 'Asia/Shanghai', 'no such local time'],
    ['2026-03-08 02:30', 'America/New_York', 'no such local time'],
    ['2026-11-21 24:00', 'Asia/Shanghai', 'no such local time'],
    ['2026-11-21 09:00', 'Mars/Olympus', 'not an IANA'],
  ])('refuses %s in %s', (local, zone, why) => {
    try {
      localToEpoch(local, zone);
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect(JSON.stringify((e as DomainError).details)).toContain(why);
    }
  });

  it('refuses now and the past, accepts the next minute', () => {
    // NOW is 2026-11-20 12:00 in Shanghai.
    expect(() => resolveSendAt('2026-11-20 12:00', 'Asia/Shanghai', NOW)).toThrow(/in the past/);
    expect(() => resolveSendAt('2026-11-20 09:00', 'Asia/Shanghai', NOW)).toThrow(/in the past/);
    expect(resolveSendAt('2026-11-20 12:01', 'Asia/Shanghai', NOW)).toBe(NOW + 60_000);
    // 12:30 in UTC is still ahead of 04:00Z.
    expect(resolveSendAt('2026-11-20 04:30', 'UTC', NOW)).toBe(NOW + 30 * 60_000);
  });

  it('quiet hours cross midnight in the campaign zone', () => {
    const q = { start: '22:00', end: '08:00' };
    const at = (local: string) => localToEpoch(local, 'Asia/Shanghai');
    expect(inQuietHours(at('2026-11-21 21:59'), 'Asia/Shanghai', q)).toBe(false);
    expect(inQuietHours(at('2026-11-21 22:00'), 'Asia/Shanghai', q)).toBe(true);
    expect(inQuietHours(at('2026-11-22 03:00'), 'Asia/Shanghai', q)).toBe(true);
    expect(inQuietHours(at('2026-11-22 08:00'), 'Asia/Shanghai', q)).toBe(false);
    expect(inQuietHours(at('2026-11-22 12:00'), 'Asia/Shanghai', { start: '12:00', end: '13:30' })).toBe(true);
  });
});
