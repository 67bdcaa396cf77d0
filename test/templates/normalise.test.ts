// Unit: the opt-in normaliser — truncation with an ellipsis, dates in Asia/Shanghai, trimming, control characters;
// property: a normalised free-text value always passes validation unless it is empty.
import fc from 'fast-check';
import { checkKeyword } from '../../core/template/keywords';
import { cleanText, formatInstant, normaliseMessage, truncateToRule } from '../../core/template/normalise';
import { validateMessage } from '../../core/template/validate';
import { declaredTemplate as template } from '../support/templates';

const ZONE = { zone: 'Asia/Shanghai' };
const EVENT = template('TPL_EVENT_REMINDER');

describe('normaliser', () => {
  it('truncates thing to 20 characters ending with an ellipsis, and leaves short values alone', () => {
    const long = '一二三四五六七八九十一二三四五六七八九十一二三';
    const cut = truncateToRule({ type: 'thing' }, long);
    expect([...cut]).toHaveLength(20);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.startsWith('一二三四五六七八九十一二三四五六七八九')).toBe(true);
    expect(truncateToRule({ type: 'thing' }, '短')).toBe('短');
    expect([...truncateToRule({ type: 'short_thing' }, '一二三四五六七')]).toHaveLength(5);
  });

  it('never cuts codes (character_string, phone_number): validation reports them instead', () => {
    const code = 'A'.repeat(40);
    expect(truncateToRule({ type: 'character_string' }, code)).toBe(code);
    expect(truncateToRule({ type: 'phone_number' }, '1'.repeat(20))).toBe('1'.repeat(20));
  });

  it('formats epoch ms and Dates for time and date keywords in Asia/Shanghai', () => {
    const at = Date.UTC(2025, 0, 31, 16, 5); // 2025-02-01 00:05 in Shanghai
    expect(formatInstant('time', at, 'Asia/Shanghai')).toBe('2025年2月1日 00:05');
    expect(formatInstant('date', new Date(at), 'Asia/Shanghai')).toBe('2025年2月1日');
    expect(checkKeyword('time', formatInstant('time', at, 'Asia/Shanghai'))).toBeNull();
    expect(checkKeyword('date', formatInstant('date', at, 'Asia/Shanghai'))).toBeNull();
  });

  it('formats ISO-8601 instants (what JSON clients send) for time keywords, and leaves other strings to validation', () => {
    const out = normaliseMessage(EVENT, { thing1: '读书会', time2: '2026-05-02T07:00:00Z', thing3: '图书馆', thing4: '准时' }, ZONE);
    expect(out.time2).toBe('2026年5月2日 15:00');
    expect(normaliseMessage(EVENT, { time2: '2026-05-02T15:00:00+08:00' }, ZONE).time2).toBe('2026年5月2日 15:00');
    // No zone: ambiguous, so it is not guessed — validation will report it.
    expect(normaliseMessage(EVENT, { time2: '2026-05-02T07:00:00' }, ZONE).time2).toBe('2026-05-02T07:00:00');
    expect(validateMessage(EVENT, out).valid).toBe(true);
  });

  it('parses instants strictly: no calendar rollover, no reinterpreted years — validation then refuses them by key', () => {
    const bad = ['0099-06-01T00:00:00Z', '2026-02-30T00:00:00Z', '2025-02-29T08:00:00+08:00', '2026-13-01T00:00:00Z', '2026-04-31T00:00:00Z', '2026-05-02T24:00:00Z', '2026-05-02T23:60:00Z', '2026-05-02T07:00:00+25:00', '2201-01-01T00:00:00Z'];
    for (const time2 of bad) {
      const out = normaliseMessage(EVENT, { thing1: '读书会', time2, thing3: '图书馆', thing4: '准时' }, ZONE);
      expect(out.time2).toBe(time2);
      const v = validateMessage(EVENT, out);
      expect(v.valid).toBe(false);
      expect(v.errors.map((e) => e.key)).toEqual(['time2']);
    }
    // The leap day of a leap year and the year bounds are real dates.
    expect(normaliseMessage(EVENT, { time2: '2024-02-29T00:00:00Z' }, ZONE).time2).toBe('2024年2月29日 08:00');
    expect(normaliseMessage(EVENT, { time2: '2100-12-31T00:00:00Z' }, ZONE).time2).toBe('2100年12月31日 08:00');
    // Epoch ms or Dates outside the year range (or invalid) are left for validation too.
    expect(validateMessage(EVENT, normaliseMessage(EVENT, { thing1: 'a', time2: 8.64e15, thing3: 'b', thing4: 'c' }, ZONE)).errors.map((e) => e.key)).toEqual(['time2']);
    expect(validateMessage(EVENT, normaliseMessage(EVENT, { thing1: 'a', time2: new Date(Number.NaN), thing3: 'b', thing4: 'c' }, ZONE)).errors.map((e) => e.key)).toEqual(['time2']);
  });

  it('trims, turns line breaks into spaces and strips control characters', () => {
    expect(cleanText('  周末\n读书会\u0007 ')).toBe('周末 读书会');
    expect(cleanText('\t\r\n')).toBe('');
  });

  it('normalises a whole message so that it validates', () => {
    const out = normaliseMessage(
      EVENT,
      { thing1: '  超长的活动名称超长的活动名称超长的活动名称  ', time2: Date.UTC(2025, 0, 18, 7, 0), thing3: { value: '图书馆\n三楼' }, thing4: '请提前到场' },
      ZONE,
    );
    expect(out.time2).toBe('2025年1月18日 15:00');
    expect(out.thing3).toBe('图书馆 三楼');
    expect(validateMessage(EVENT, out)).toEqual({ valid: true, errors: [] });
    const order = normaliseMessage(template('TPL_ORDER_STATUS'), { character_string1: 'A1', phrase2: '已发货', amount3: 99.5, phone_number4: '10086' }, ZONE);
    expect(order.amount3).toBe('￥99.50');
    expect(validateMessage(template('TPL_ORDER_STATUS'), order).valid).toBe(true);
  });

  it('property: any text normalised for thing / short_thing / name passes its rule or is empty', () => {
    const text = fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: fc.constantFrom('活', '动', 'a', ' ', '\n', '…', '!'), maxLength: 45 }));
    fc.assert(
      fc.property(fc.constantFrom('thing', 'short_thing', 'name'), text, (type, raw) => {
        const v = truncateToRule({ type }, cleanText(raw));
        const problem = checkKeyword(type, v);
        // Only length is the normaliser's job; charset problems (e.g. digits in a name) stay for validation.
        return problem === null || problem.rule === 'empty' || problem.rule === 'charset' || problem.rule === 'format';
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it('property: thing values around the 20-character limit come out at most 20 characters', () => {
    fc.assert(
      fc.property(fc.integer({ min: 15, max: 30 }), fc.constantFrom('字', 'a', '😀'), (n, c) => {
        const v = truncateToRule({ type: 'thing' }, c.repeat(n));
        return [...v].length === Math.min(n, 20) && (n <= 20 ? v === c.repeat(n) : v.endsWith('…'));
      }),
      { numRuns: 200, seed: 11 },
    );
  });
});
