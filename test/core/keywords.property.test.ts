// Tests (core, pure): property-based checks of the keyword rules — limits are exact, control characters always fail.
import fc from 'fast-check';
import { checkKeyword, KEYWORD_TYPES } from '../../core/template/keywords';

const cp = (min: number, max: number) => fc.integer({ min, max }).map((n) => String.fromCodePoint(n));
const han = cp(0x4e00, 0x9fa5);
const digit = cp(0x30, 0x39);
const letter = fc.oneof(cp(0x41, 0x5a), cp(0x61, 0x7a));
const symbol = fc.constantFrom(...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~，。！？、【】《》￥…·'.split(''));
const emoji = cp(0x1f600, 0x1f64f);
const printable = fc.oneof(han, digit, letter, symbol, emoji);
const str = (ch: fc.Arbitrary<string>, n: number) => fc.array(ch, { minLength: n, maxLength: n }).map((a) => a.join(''));

// [type, arbitrary char producing valid content, limit]
const limits: [string, fc.Arbitrary<string>, number][] = [
  ['thing', printable, 20],
  ['short_thing', printable, 5],
  ['number', digit, 32],
  ['letter', letter, 32],
  ['symbol', symbol, 5],
  ['character_string', fc.oneof(digit, letter, symbol), 32],
  ['phrase', han, 5],
  ['enum_string', printable, 20],
];

describe.each(limits)('%s: exactly the limit passes, one more fails', (type, ch, limit) => {
  test(`${limit} characters pass`, () => {
    fc.assert(fc.property(str(ch, limit), (v) => checkKeyword(type, v) === null));
  });
  test(`${limit + 1} characters fail on length`, () => {
    fc.assert(fc.property(str(ch, limit + 1), (v) => checkKeyword(type, v)?.rule === 'length'));
  });
});

test('phone_number: 17 digits/symbols with a digit pass, 18 fail', () => {
  const phone = (n: number) => fc.tuple(digit, str(fc.oneof(digit, fc.constantFrom('+', '-', '(', ')')), n - 1)).map(([d, r]) => d + r);
  fc.assert(fc.property(phone(17), (v) => checkKeyword('phone_number', v) === null));
  fc.assert(fc.property(phone(18), (v) => checkKeyword('phone_number', v)?.rule === 'length'));
});

test('car_number: Chinese + letters/digits + Chinese up to 8 passes, 9 fails', () => {
  const plate = (n: number) => fc.tuple(han, str(fc.oneof(digit, cp(0x41, 0x5a)), n - 2), han).map((p) => p.join(''));
  fc.assert(fc.property(plate(8), (v) => checkKeyword('car_number', v) === null));
  fc.assert(fc.property(plate(9), (v) => checkKeyword('car_number', v)?.rule === 'length'));
});

test('name: 10 Chinese (letters mixed in count as Chinese) pass, 11 fail; 20 letters pass, 21 fail', () => {
  const mixed = (n: number) => fc.tuple(han, str(fc.oneof(han, letter), n - 1)).map(([h, r]) => h + r);
  fc.assert(fc.property(mixed(10), (v) => checkKeyword('name', v) === null));
  fc.assert(fc.property(mixed(11), (v) => checkKeyword('name', v)?.rule === 'length'));
  fc.assert(fc.property(str(letter, 20), (v) => checkKeyword('name', v) === null));
  fc.assert(fc.property(str(letter, 21), (v) => checkKeyword('name', v)?.rule === 'length'));
});

test('amount: currency symbol + 10 digits (with or without decimals, optional 元) pass, 11 digits fail', () => {
  const amount = (n: number) =>
    fc.tuple(fc.constantFrom('￥', '¥', '$', '€'), str(digit, n), fc.integer({ min: 0, max: n - 1 }), fc.boolean(), fc.boolean()).map(
      ([sym, ds, cut, dec, yuan]) => `${sym}${dec && cut > 0 ? `${ds.slice(0, cut)}.${ds.slice(cut)}` : ds}${yuan ? '元' : ''}`,
    );
  fc.assert(fc.property(amount(10), (v) => checkKeyword('amount', v) === null));
  fc.assert(fc.property(amount(11), (v) => checkKeyword('amount', v)?.rule === 'length'));
});

test('time and date: every real clock time / calendar day passes in every documented spelling', () => {
  const hms = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.option(fc.integer({ min: 0, max: 59 })));
  const clock = hms.map(([h, m, s]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}${s === null ? '' : `:${String(s).padStart(2, '0')}`}`);
  const day = fc.tuple(fc.integer({ min: 1970, max: 2099 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), fc.constantFrom('cn', '-', '/', '.'));
  const dateStr = day.map(([y, m, d, sep]) => (sep === 'cn' ? `${y}年${m}月${d}日` : [y, String(m).padStart(2, '0'), String(d).padStart(2, '0')].join(sep)));
  fc.assert(fc.property(clock, dateStr, (t, d) => checkKeyword('time', t) === null && checkKeyword('time', `${d} ${t}`) === null));
  fc.assert(fc.property(dateStr, clock, (d, t) => checkKeyword('date', d) === null && checkKeyword('date', `${d} ${t}`) === null));
  fc.assert(fc.property(clock, clock, (a, b) => checkKeyword('time', `${a}~${b}`) === null));
  const badHour = fc.tuple(fc.integer({ min: 24, max: 99 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${h}:${String(m).padStart(2, '0')}`);
  fc.assert(fc.property(badHour, (t) => checkKeyword('time', t)?.rule === 'format'));
});

test('a control character anywhere fails every type with rule "control"', () => {
  const control = fc.oneof(cp(0x00, 0x1f), cp(0x7f, 0x9f), fc.constantFrom('\u2028', '\u2029'));
  const base: Record<string, string> = {
    thing: '读书会', short_thing: '已签', number: '12', letter: 'ab', symbol: '!!', character_string: 'A1', time: '15:01',
    date: '2019年10月1日', amount: '￥100', phone_number: '13800', car_number: '粤A123', name: '张三', phrase: '配送中', enum: '已通过',
  };
  fc.assert(
    fc.property(fc.constantFrom(...KEYWORD_TYPES), control, fc.nat(), (type, c, at) => {
      const v = base[type] ?? '';
      const i = at % (v.length + 1);
      const bad = v.slice(0, i) + c + v.slice(i);
      return checkKeyword(type, v, { enumValues: [v] }) === null && checkKeyword(type, bad, { enumValues: [bad] })?.rule === 'control';
    }),
  );
});
