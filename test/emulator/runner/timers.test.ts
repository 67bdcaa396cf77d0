// Emulator timers: advance() walks the clock firing due triggers in order (coalescing fast ones per step), and auto
// mode fires in real time (on a fake runner; timers.e2e.test.ts fires a real fixture function in the emulator).
import { createClock } from '../../../emulator/clock';
import type { InvocationResult, InvokeRequest, Runner } from '../../../emulator/runner';
import type { FunctionSpec } from '../../../emulator/runner/functions';
import { createTimers } from '../../../emulator/timers';

function fakeRunner(triggers: Record<string, string>) {
  const calls: (InvokeRequest & { clockAt: number })[] = [];
  let clockNow = () => 0;
  const specs: FunctionSpec[] = Object.entries(triggers).map(([name, config]) => ({
    name,
    dir: '',
    modulePath: '',
    built: true,
    openapiPermissions: [],
    trigger: { name: `${name}Trigger`, config },
    timeoutMs: 3000,
  }));
  const runner = {
    functions: () => specs,
    async invoke(req: InvokeRequest): Promise<InvocationResult> {
      calls.push({ ...req, clockAt: clockNow() });
      return { id: String(calls.length), fn: req.fn, ok: true, requests: 0, durationMs: 0, startedAt: 0, cold: false };
    },
    syncClock: () => undefined,
    entry: () => undefined,
  } as unknown as Runner;
  return { runner, calls, setClock: (f: () => number) => (clockNow = f) };
}

function setup(triggers: Record<string, string>, mode: 'auto' | 'manual' = 'manual', startAt = Date.parse('2026-05-01T00:00:00Z')) {
  const clock = createClock(startAt);
  const f = fakeRunner(triggers);
  f.setClock(clock.now);
  const timers = createTimers({ runner: f.runner, clock, mode, log: () => undefined, onClockMoved: () => undefined, tickMs: 20 });
  return { clock, timers, calls: f.calls };
}

describe('advance', () => {
  it('fires due triggers in time order with the clock at each fire time, then lands on the target', async () => {
    const { clock, timers, calls } = setup({ nine: '0 0 9 * * * *', ten: '0 0 10 * * * *' });
    const r = await timers.advance(2 * 86400_000);
    expect(r.fired.map((f) => [f.fn, new Date(f.at).toISOString()])).toEqual([
      ['nine', '2026-05-01T01:00:00.000Z'],
      ['ten', '2026-05-01T02:00:00.000Z'],
      ['nine', '2026-05-02T01:00:00.000Z'],
      ['ten', '2026-05-02T02:00:00.000Z'],
    ]);
    expect(calls).toHaveLength(4);
    calls.forEach((c) => expect(c.clockAt).toBeGreaterThanOrEqual(Date.parse((c.event as { Time: string }).Time)));
    expect(calls[0]?.event).toEqual({ Type: 'Timer', TriggerName: 'nineTrigger', Time: '2026-05-01T01:00:00Z', Message: '' });
    expect(calls[0]).toMatchObject({ kind: 'timer', triggerName: 'nineTrigger' });
    expect(clock.now()).toBeGreaterThanOrEqual(Date.parse('2026-05-03T00:00:00Z'));
    expect(r.coalesced).toBe(0);
  });

  it('coalesces fire times of a fast trigger within one step and reports how many', async () => {
    const { timers } = setup({ fast: '*/5 * * * * * *', daily: '0 0 9 * * * *' });
    const r = await timers.advance(2 * 3600_000); // default step = 2 h / 200 = 36 s; 09:00 UTC+8 is inside
    const fast = r.fired.filter((f) => f.fn === 'fast');
    const daily = r.fired.filter((f) => f.fn === 'daily');
    expect(daily).toHaveLength(1);
    expect(fast.length).toBeGreaterThan(150);
    expect(fast.length).toBeLessThanOrEqual(201);
    expect(fast.length + r.coalesced).toBe((2 * 3600) / 5);
    const times = r.fired.map((f) => f.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('an explicit step of the whole advance fires a daily trigger once, coalescing the rest', async () => {
    const { timers } = setup({ daily: '0 0 9 * * * *' });
    const r = await timers.advance(3 * 86400_000, { stepMs: 3 * 86400_000 });
    expect(r.fired).toHaveLength(1);
    expect(r.fired[0]).toMatchObject({ coalesced: 2, at: Date.parse('2026-05-03T01:00:00Z') });
  });

  it('fireNow uses the current time; a function without a trigger is an error', async () => {
    const { timers, clock } = setup({ daily: '0 0 9 * * * *' });
    const f = await timers.fireNow('daily');
    expect(Math.abs(f.at - clock.now())).toBeLessThan(1000);
    await expect(timers.fireNow('other')).rejects.toThrow(/has no timer trigger/);
  });

  it('refuses a negative advance', async () => {
    const { timers } = setup({});
    await expect(timers.advance(-1)).rejects.toThrow(RangeError);
  });
});

describe('auto mode', () => {
  it('fires in real time as the clock passes a fire time', async () => {
    const now = Date.now();
    // Start 1.5 s before a whole minute (in virtual time), trigger every minute at second 0.
    const startAt = Math.ceil(now / 60_000) * 60_000 + 60_000 - 1500;
    const { timers, calls } = setup({ minute: '0 * * * * * *' }, 'auto', startAt);
    timers.start();
    await new Promise((r) => setTimeout(r, 2500));
    await timers.stop();
    expect(calls).toHaveLength(1);
    expect(Date.parse((calls[0]?.event as { Time: string }).Time) % 60_000).toBe(0);
  });
});
