// Unit: sends per hour are counted in local hours of the campaign's zone — boundaries on local hour starts, also in
// zones whose offset is not a whole hour (Asia/Kolkata +05:30, Asia/Kathmandu +05:45) and across a DST change.
import { readAnalytics, sendsPerLocalHour, type AnalyticsSource } from '../../core/analytics';
import { epochToLocal, localHourStart } from '../../core/campaigns/schedule';
import { hourText } from '../../miniprogram/lib/campaign-view';

const MIN = 60_000;
const at = (iso: string) => Date.parse(iso);

describe('localHourStart', () => {
  it('is the instant the local hour starts', () => {
    // 01:10Z is 06:40 in Kolkata: its hour starts at 06:00 local = 00:30Z.
    expect(localHourStart(at('2026-05-01T01:10:00Z'), 'Asia/Kolkata')).toBe(at('2026-05-01T00:30:00Z'));
    expect(localHourStart(at('2026-05-01T00:29:59Z'), 'Asia/Kolkata')).toBe(at('2026-04-30T23:30:00Z'));
    expect(localHourStart(at('2026-05-01T00:30:00Z'), 'Asia/Kolkata')).toBe(at('2026-05-01T00:30:00Z'));
    expect(localHourStart(at('2026-05-01T01:10:00Z'), 'Asia/Kathmandu')).toBe(at('2026-05-01T00:15:00Z'));
    expect(localHourStart(at('2026-05-01T01:10:00Z'), 'Asia/Shanghai')).toBe(at('2026-05-01T01:00:00Z'));
    // Europe/Berlin moves from +01:00 to +02:00 at 01:00Z on 2026-03-29: local 03:00 starts at 01:00Z.
    expect(localHourStart(at('2026-03-29T01:20:00Z'), 'Europe/Berlin')).toBe(at('2026-03-29T01:00:00Z'));
    expect(epochToLocal(localHourStart(at('2026-03-29T01:20:00Z'), 'Europe/Berlin'), 'Europe/Berlin')).toBe('2026-03-29 03:00');
  });
});

describe('sendsPerLocalHour', () => {
  // Quarter hours (UTC) 00:45, 01:00, 01:15, 01:30, 01:45 with 1, 2, 3, 4, 5 sends.
  const quarters = [0, 1, 2, 3, 4].map((i) => ({ at: at('2026-05-01T00:45:00Z') + i * 15 * MIN, n: i + 1 }));

  it('a half-hour zone: local hours 06:00 and 07:00 (Kolkata), not the UTC hours 00:00 and 01:00', () => {
    const hours = sendsPerLocalHour(quarters, 'Asia/Kolkata');
    expect(hours).toEqual([
      { hour: at('2026-05-01T00:30:00Z'), n: 1 + 2 + 3 },
      { hour: at('2026-05-01T01:30:00Z'), n: 4 + 5 },
    ]);
    expect(hours.map((h) => epochToLocal(h.hour, 'Asia/Kolkata'))).toEqual(['2026-05-01 06:00', '2026-05-01 07:00']);
    // The detail page's bars read the same hours (its labels are the hour of `hour` in the campaign's zone).
    expect(hours.map((h) => hourText(h.hour, 'Asia/Kolkata'))).toEqual(['05-01 06:00', '05-01 07:00']);
  });

  it('a whole-hour zone keeps the UTC hour boundaries', () => {
    expect(sendsPerLocalHour(quarters, 'Asia/Shanghai')).toEqual([
      { hour: at('2026-05-01T00:00:00Z'), n: 1 },
      { hour: at('2026-05-01T01:00:00Z'), n: 2 + 3 + 4 + 5 },
    ]);
  });

  it('readAnalytics counts in the zone it is given', async () => {
    const source: AnalyticsSource = {
      groups: async () => [{ status: 'sent', n: 15 }] as never,
      receipts: async () => ({ delivered: 0, failed: 0 }),
      opened: async () => 0,
      sendsPerQuarter: async () => quarters,
      placements: async () => [],
    };
    const a = await readAnalytics(source, { sourceType: 'campaign', sourceId: 'c' }, 'Asia/Kathmandu');
    // +05:45: local hours start at hh:15Z.
    expect(a.sendsPerHour).toEqual([
      { hour: at('2026-05-01T00:15:00Z'), n: 1 + 2 },
      { hour: at('2026-05-01T01:15:00Z'), n: 3 + 4 + 5 },
    ]);
  });
});
