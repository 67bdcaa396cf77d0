// Emulator timers: WeChat 7-field cron in UTC+8 (names, ranges, steps, year field, day OR, numeric weekday refused).
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCron } from '../../../emulator/timers';
import { discoverFunctions } from '../../../emulator/runner/functions';

const at = (iso: string) => Date.parse(iso);
const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());

/** The next n fire times after `from`. */
function take(expr: string, from: string, n: number): (string | undefined)[] {
  const s = parseCron(expr);
  const out: (string | undefined)[] = [];
  let t = at(from);
  for (let i = 0; i < n; i++) {
    const next = s.next(t);
    out.push(iso(next));
    if (next === undefined) break;
    t = next;
  }
  return out;
}

describe('parseCron', () => {
  it('evaluates in UTC+8: 0 0 9 * * * * fires at 01:00Z', () => {
    expect(take('0 0 9 * * * *', '2026-05-01T00:00:00Z', 2)).toEqual(['2026-05-01T01:00:00.000Z', '2026-05-02T01:00:00.000Z']);
    // Strictly after: exactly at a fire time gives the next one.
    expect(iso(parseCron('0 0 9 * * * *').next(at('2026-05-01T01:00:00Z')))).toBe('2026-05-02T01:00:00.000Z');
  });

  it('supports day-of-week names and ranges (2026-05-01 is a Friday)', () => {
    expect(take('0 30 8 * * MON-FRI *', '2026-05-01T01:00:00Z', 2)).toEqual(['2026-05-04T00:30:00.000Z', '2026-05-05T00:30:00.000Z']);
    expect(take('0 0 10 * * SAT,SUN *', '2026-05-01T00:00:00Z', 2)).toEqual(['2026-05-02T02:00:00.000Z', '2026-05-03T02:00:00.000Z']);
  });

  it('supports month names, lists, ranges and steps', () => {
    expect(take('0 0 0 1 JAN,JUL * *', '2026-05-01T00:00:00Z', 2)).toEqual(['2026-06-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z']);
    expect(take('*/20 * * * * * *', '2026-05-01T00:00:05Z', 3)).toEqual([
      '2026-05-01T00:00:20.000Z',
      '2026-05-01T00:00:40.000Z',
      '2026-05-01T00:01:00.000Z',
    ]);
    expect(take('0 0 9-11 * * * *', '2026-05-01T00:00:00Z', 4)).toEqual([
      '2026-05-01T01:00:00.000Z',
      '2026-05-01T02:00:00.000Z',
      '2026-05-01T03:00:00.000Z',
      '2026-05-02T01:00:00.000Z',
    ]);
  });

  it('ORs day-of-month and day-of-week when both are set', () => {
    // The 15th (a Friday in May 2026) or any Monday.
    expect(take('0 0 12 15 * MON *', '2026-05-05T00:00:00Z', 3)).toEqual([
      '2026-05-11T04:00:00.000Z',
      '2026-05-15T04:00:00.000Z',
      '2026-05-18T04:00:00.000Z',
    ]);
  });

  it('honours the year field (single, range, step) and ends when no year is left', () => {
    expect(take('0 0 0 1 JAN * 2028', '2026-05-01T00:00:00Z', 2)).toEqual(['2027-12-31T16:00:00.000Z', undefined]);
    expect(take('0 0 0 1 JAN * 2027-2028', '2026-05-01T00:00:00Z', 3)).toEqual([
      '2026-12-31T16:00:00.000Z',
      '2027-12-31T16:00:00.000Z',
      undefined,
    ]);
    expect(take('0 0 0 1 JAN * 2026/2', '2026-05-01T00:00:00Z', 2)).toEqual(['2027-12-31T16:00:00.000Z', '2029-12-31T16:00:00.000Z']);
    expect(parseCron('0 0 0 1 JAN * 2020').next(at('2026-05-01T00:00:00Z'))).toBeUndefined();
  });

  it('refuses numeric day-of-week (the docs conflict on 0 = Sunday or Monday) and weekday steps', () => {
    expect(() => parseCron('0 0 9 * * 1-5 *')).toThrow(/use names instead, e\.g\. MON-FRI/);
    expect(() => parseCron('0 0 9 * * 0 *')).toThrow(/disagree on whether 0 means Sunday or Monday/);
    expect(() => parseCron('0 0 9 * * MON/2 *')).toThrow(/step/);
  });

  it('refuses malformed expressions with a readable reason', () => {
    expect(() => parseCron('0 0 9 * * *')).toThrow(/expected 7 fields/);
    expect(() => parseCron('0 0 25 * * * *')).toThrow(/invalid timer cron/);
    expect(() => parseCron('0 0 9 ? * MON *')).toThrow(/day-of-month field "\?"/);
    expect(() => parseCron('0 0 9 * * FOO *')).toThrow(/invalid timer cron/);
    expect(() => parseCron('0 0 9 * * * 1960')).toThrow(/1970-2099/);
  });

  it('window() counts fire times in (after, until] and returns the first and last', () => {
    const w = parseCron('*/5 * * * * * *').window(at('2026-05-01T00:00:00Z'), at('2026-05-01T00:01:00Z'));
    expect(w).toMatchObject({ count: 12, capped: false });
    expect(iso(w.first)).toBe('2026-05-01T00:00:05.000Z');
    expect(iso(w.last)).toBe('2026-05-01T00:01:00.000Z');
  });
});

describe('function config.json triggers', () => {
  function fnDir(config: unknown): string {
    const root = mkdtempSync(join(tmpdir(), 'tixing-cron-'));
    mkdirSync(join(root, 'f'));
    writeFileSync(join(root, 'f', 'index.js'), 'exports.main = async () => 1;');
    writeFileSync(join(root, 'f', 'config.json'), JSON.stringify(config));
    return root;
  }

  it('reads one timer trigger and the openapi permissions', () => {
    const specs = discoverFunctions(fnDir({ permissions: { openapi: ['subscribeMessage.send'] }, triggers: [{ name: 'tick', type: 'timer', config: '0 * * * * * *' }] }), { f: { timeoutSec: 7 } });
    expect(specs.get('f')).toMatchObject({ openapiPermissions: ['subscribeMessage.send'], trigger: { name: 'tick' }, timeoutMs: 7000 });
  });

  it('more than one trigger, a non-timer type or a bad name is a startup error', () => {
    const t = { name: 'a', type: 'timer', config: '0 * * * * * *' };
    expect(() => discoverFunctions(fnDir({ triggers: [t, { ...t, name: 'b' }] }))).toThrow(/2 triggers; WeChat cloud functions support only one/);
    expect(() => discoverFunctions(fnDir({ triggers: [{ ...t, type: 'cos' }] }))).toThrow(/must be "timer"/);
    expect(() => discoverFunctions(fnDir({ triggers: [{ ...t, name: '9x' }] }))).toThrow(/trigger name "9x"/);
  });
});
