// Emulator timers end to end: a daily timer of a real fixture function (test/fixtures/functions/ticker) fires once per
// emulated day with the SCF timer event and SOURCE wx_trigger (timers.test.ts covers advance() on a fake runner).
import { TEST_START, useEmulator } from '../../support/emulator';

describe('end to end with the ticker fixture (daily at 09:00 UTC+8)', () => {
  const h = useEmulator({ fixtures: ['ticker'] });

  it('advance across three days fires it once per day with the SCF timer event and wx_trigger', async () => {
    const r = await h.emu.advance(3 * 86400_000);
    expect(r.fired.map((f) => f.invocation.ok)).toEqual([true, true, true]);
    const results = r.fired.map((f) => f.invocation.result as { event: Record<string, unknown>; wx: Record<string, unknown>; now: number; trigger: string });
    expect(results.map((x) => x.event.Time)).toEqual(['2026-05-01T01:00:00Z', '2026-05-02T01:00:00Z', '2026-05-03T01:00:00Z']);
    for (const x of results) {
      expect(x.event).toMatchObject({ Type: 'Timer', TriggerName: 'daily9', Message: '' });
      expect(x.wx.SOURCE).toBe('wx_trigger');
      expect(x.wx.OPENID).toBeUndefined();
      expect(x.trigger).toBe('timer');
      // The function's clock reads the fire time (give or take the time the invocation took).
      expect(x.now - Date.parse(x.event.Time as string)).toBeGreaterThanOrEqual(0);
      expect(x.now - Date.parse(x.event.Time as string)).toBeLessThan(5000);
    }
    expect(h.emu.now()).toBeGreaterThanOrEqual(TEST_START + 3 * 86400_000);
    expect(h.emu.invocations().filter((e) => e.fn === 'ticker' && e.caller === 'timer:daily9')).toHaveLength(3);
  });

  it('trigger() fires it now', async () => {
    const f = await h.emu.trigger('ticker');
    expect(f.invocation.ok).toBe(true);
    expect(Math.abs(Date.parse((f.invocation.result as { event: { Time: string } }).event.Time) - h.emu.now())).toBeLessThan(5000);
  });
});
