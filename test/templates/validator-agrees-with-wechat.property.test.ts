// Property test: "pre-send validation so 47003 never reaches WeChat". Whatever Tixing's pre-send validator accepts
// (core/template/keywords.ts checkKeyword, core/template/validate.ts validateMessage — the check the sender runs
// before every send), the emulator's own, independently written table of WeChat's documented rules
// (emulator/wechat/rules.ts) accepts too. Generators are biased toward the edges: lengths at the limits, mixed
// scripts, symbols, spaces, control characters, dates and clocks just inside and just outside the calendar.
import fc from 'fast-check';
import templatesJson from '../../config/templates.json';
import { checkKeyword } from '../../core/template/keywords';
import { templateFromWechat, type WechatTemplate } from '../../core/template/registry';
import { toWechatData, validateMessage } from '../../core/template/validate';
import { keywordTypeOf } from '../../emulator/wechat/content';
import { judgeSend, judgeValue } from '../../emulator/wechat/rules';

const RUNS = 3000;
const ENUM = ['已通过', '未通过', '待补充', 'A', '★'];

// ---------------------------------------------------------------- character pools (weighted toward trouble)
const pool = (s: string): fc.Arbitrary<string> => fc.constantFrom(...[...s]);
const HAN = pool('一二三张欧阳配送中已通过粤京挂〇々𠀀𪚥');
const LETTER = pool('abcxyzABCXYZ');
const DIGIT = pool('0123456789');
const SYMBOL = pool('-+*/.,!?@#$%^&()[]{}~_:;\'"<>|=·★，。！？：；（）【】￥¥$€£😀©™…—');
const SPACE = pool(' \u3000\u00a0');
const OTHER_SCRIPT = pool('éñüßÅあカ한Дяαω١');
const CONTROL = pool('\n\r\t\u0000\u007f\u0085\u2028\u2029');
const ODD = fc.constantFrom('１', '\u200d', '\ufe0f', '\u0301', '\ud800', '\udfff', '👨‍👩‍👧', '❤️');

const char = fc.oneof(
  { arbitrary: HAN, weight: 6 },
  { arbitrary: LETTER, weight: 6 },
  { arbitrary: DIGIT, weight: 6 },
  { arbitrary: SYMBOL, weight: 4 },
  { arbitrary: SPACE, weight: 1 },
  { arbitrary: OTHER_SCRIPT, weight: 1 },
  { arbitrary: CONTROL, weight: 1 },
  { arbitrary: ODD, weight: 1 },
);

/** Lengths around every documented limit (5, 8, 10, 17, 20, 32) plus anything up to 40. */
const LIMITS = [0, 1, 4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 31, 32, 33];
const length = fc.oneof({ arbitrary: fc.constantFrom(...LIMITS), weight: 3 }, { arbitrary: fc.nat(40), weight: 1 });
const stringOf = (c: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  length.chain((n) => fc.array(c, { minLength: n, maxLength: n })).map((cs) => cs.join(''));

/** Mostly characters of the given classes, now and then anything. */
const mostly = (...classes: fc.Arbitrary<string>[]): fc.Arbitrary<string> =>
  stringOf(fc.oneof({ arbitrary: fc.oneof(...classes), weight: 12 }, { arbitrary: char, weight: 1 }));

const digits = (max: number): fc.Arbitrary<string> =>
  fc.oneof(fc.constantFrom(0, 1, 2, max - 1, max, max + 1), fc.nat(max + 2))
    .chain((n) => fc.array(DIGIT, { minLength: n, maxLength: n }))
    .map((d) => d.join(''));

// ---------------------------------------------------------------- dates and clocks
const pad = (n: number, width: number): fc.Arbitrary<string> => fc.constantFrom(String(n), String(n).padStart(width, '0'));
const year = fc.constantFrom('2019', '2020', '2000', '1900', '2024', '0000', '0001', '9999', '19', '020');
const month = fc.oneof(fc.integer({ min: 0, max: 13 }), fc.constantFrom(1, 2, 4, 12)).chain((m) => pad(m, 2));
const day = fc.oneof(fc.integer({ min: 0, max: 32 }), fc.constantFrom(1, 28, 29, 30, 31)).chain((d) => pad(d, 2));
const datePart = fc.oneof(
  fc.tuple(year, month, day).map(([y, m, d]) => `${y}年${m}月${d}日`),
  fc.tuple(year, month).map(([y, m]) => `${y}年${m}月`),
  fc.tuple(month, day).map(([m, d]) => `${m}月${d}日`),
  fc.tuple(year, fc.constantFrom('-', '/', '.'), month, fc.constantFrom('-', '/', '.'), day).map(([y, s1, m, s2, d]) => `${y}${s1}${m}${s2}${d}`),
  fc.tuple(year, fc.constantFrom('-', '/', '.'), month).map(([y, s, m]) => `${y}${s}${m}`),
  fc.tuple(month, fc.constantFrom('-', '/', '.'), day).map(([m, s, d]) => `${m}${s}${d}`),
);
const clock = fc
  .tuple(
    fc.oneof(fc.integer({ min: 0, max: 25 }), fc.constantFrom(0, 9, 23, 24)).chain((h) => pad(h, 2)),
    fc.oneof(fc.integer({ min: 0, max: 61 }), fc.constantFrom(0, 59, 60)).chain((m) => pad(m, 2)),
    fc.option(fc.oneof(fc.integer({ min: 0, max: 61 }), fc.constantFrom(59, 60)).chain((s) => pad(s, 2)), { nil: undefined }),
  )
  .map(([h, m, s]) => (s === undefined ? `${h}:${m}` : `${h}:${m}:${s}`));
const point = fc.oneof(
  clock,
  datePart,
  fc.tuple(datePart, fc.constantFrom(' ', '', '  ', 'T', '\u3000'), clock).map(([d, j, c]) => `${d}${j}${c}`),
);
const dateTime = fc.oneof(
  { arbitrary: point, weight: 3 },
  { arbitrary: fc.tuple(point, fc.constantFrom('~', ' ~ ', '～', '~~', ' ~', '-'), point).map(([a, j, b]) => `${a}${j}${b}`), weight: 2 },
  { arbitrary: fc.tuple(point, fc.constantFrom('~', ''), fc.constantFrom(' ', '\n', 'x', '')).map(([a, j, e]) => `${a}${j}${e}`), weight: 1 },
);

// ---------------------------------------------------------------- per-type generators
const GENERATORS: Record<string, fc.Arbitrary<string>> = {
  thing: mostly(HAN, LETTER, DIGIT, SYMBOL, SPACE, OTHER_SCRIPT),
  short_thing: mostly(HAN, LETTER, DIGIT, SYMBOL),
  enum_string: mostly(HAN, LETTER, DIGIT, SYMBOL),
  number: fc.oneof(
    fc.tuple(digits(32), fc.constantFrom('', '.', ',', '-', ' ', '..'), digits(32)).map(([a, s, b]) => `${a}${s}${b}`),
    fc.tuple(fc.constantFrom('', '-', '+'), digits(16), fc.constantFrom('', '.'), digits(16)).map((p) => p.join('')),
    mostly(DIGIT),
  ),
  letter: mostly(LETTER),
  symbol: mostly(SYMBOL),
  character_string: mostly(LETTER, DIGIT, SYMBOL),
  time: dateTime,
  date: dateTime,
  amount: fc
    .tuple(
      fc.constantFrom('￥', '¥', '$', '€', '£', '₩', '', '元', 'US$', '￥￥', '-￥'),
      digits(10),
      fc.option(digits(10).map((d) => `.${d}`), { nil: '' }),
      fc.constantFrom('', '元', '元整', ' ', '.', '$'),
    )
    .map((p) => p.join('')),
  phone_number: fc.oneof(
    mostly(DIGIT, pool('+-()#*/. ')),
    fc.tuple(fc.constantFrom('', '+86', '+86-', '(0766)', '电话'), digits(17), fc.constantFrom('', '-', ' ', '#123')).map((p) => p.join('')),
  ),
  car_number: fc.oneof(
    mostly(LETTER, DIGIT),
    fc.tuple(fc.option(HAN, { nil: '' }), mostly(LETTER, DIGIT), fc.option(HAN, { nil: '' })).map((p) => p.join('')),
  ),
  name: fc.oneof(mostly(HAN), mostly(LETTER, SYMBOL), mostly(HAN, LETTER), mostly(HAN, LETTER, SYMBOL, SPACE, DIGIT)),
  phrase: mostly(HAN),
  enum: fc.oneof(fc.constantFrom(...ENUM), fc.constantFrom(...ENUM).map((v) => `${v} `), mostly(HAN, LETTER, SYMBOL)),
};

const TYPES = Object.keys(GENERATORS);

/** Where a type is text-like, also feed it what its neighbours generate (a thing-shaped value into phrase, etc.). */
const anyValue = fc.oneof(...TYPES.map((t) => GENERATORS[t] as fc.Arbitrary<string>));

describe('whatever core accepts, the emulator accepts (per keyword type)', () => {
  test.each(TYPES)('%s', (type) => {
    const gen = fc.oneof({ arbitrary: GENERATORS[type] as fc.Arbitrary<string>, weight: 4 }, { arbitrary: anyValue, weight: 1 });
    fc.assert(
      fc.property(gen, (value) => {
        if (checkKeyword(type, value, { enumValues: ENUM }) !== null) return true; // core refuses: nothing is sent
        const verdict = judgeValue(type, value, ENUM);
        if (!verdict.ok) throw new Error(`core accepts ${type} ${JSON.stringify(value)}, WeChat's table says ${verdict.problem}: ${verdict.reason}`);
        return true;
      }),
      { numRuns: RUNS },
    );
  });

  test('the generators reach both sides of every rule (core accepts some values and refuses some)', () => {
    for (const type of TYPES) {
      const sample = fc.sample(GENERATORS[type] as fc.Arbitrary<string>, { numRuns: 2000, seed: 7 });
      const accepted = sample.filter((v) => checkKeyword(type, v, { enumValues: ENUM }) === null).length;
      expect([type, accepted > 0]).toEqual([type, true]);
      expect([type, accepted < sample.length]).toEqual([type, true]);
    }
  });
});

describe('whatever validateMessage accepts for a whole template, the emulator delivers (no 47003)', () => {
  const keyOf = fc.tuple(fc.constantFrom(...TYPES), fc.integer({ min: 1, max: 12 }), fc.boolean());
  const templateArb = fc
    .uniqueArray(keyOf, { minLength: 1, maxLength: 5, selector: ([t, n]) => `${t}${n}` })
    .map((keys) => keys.map(([type, n, padded]) => ({ type, key: `${type}${padded && n < 10 ? `0${n}` : n}` })));

  test('generated templates and data', () => {
    const caseArb = templateArb.chain((keys) =>
      fc.tuple(fc.constant(keys), fc.tuple(...keys.map((k) => GENERATORS[k.type] as fc.Arbitrary<string>))),
    );
    fc.assert(
      fc.property(caseArb, ([keys, values]) => {
        const item: WechatTemplate = {
          priTmplId: 'TPL_GEN',
          title: '生成模板',
          type: 2,
          content: keys.map((k, i) => `字段${i}:{{${k.key}.DATA}}\n`).join(''),
          keywordEnumValueList: keys.filter((k) => k.type === 'enum').map((k) => ({ keywordCode: `${k.key}.DATA`, enumValueList: ENUM })),
        };
        const doc = templateFromWechat(item, 'config', 0);
        // The two readings of `{{key.DATA}}` agree on every key's type.
        for (const kw of doc.keywords) expect(keywordTypeOf(kw.key)).toBe(kw.type);
        const data = Object.fromEntries(keys.map((k, i) => [k.key, values[i] as string]));
        if (!validateMessage(doc, data).valid) return true;
        const enums = Object.fromEntries(keys.filter((k) => k.type === 'enum').map((k) => [k.key, ENUM]));
        const problem = judgeSend(item.content, toWechatData(data), enums);
        if (problem) throw new Error(`validateMessage accepts ${JSON.stringify(data)}; WeChat answers 47003 ${problem.errmsg} (${problem.reason})`);
        return true;
      }),
      { numRuns: RUNS },
    );
  });

  test.each((templatesJson.templates as WechatTemplate[]).map((t) => [t.priTmplId, t] as const))('declared template %s', (_id, item) => {
    const doc = templateFromWechat(item, 'config', 0);
    const enums = Object.fromEntries(
      (item.keywordEnumValueList ?? []).map((e) => [e.keywordCode.replace(/\.DATA$/, ''), e.enumValueList] as const),
    );
    const valueFor = (type: string, key: string): fc.Arbitrary<string> =>
      type === 'enum' ? fc.oneof(fc.constantFrom(...(enums[key] ?? ['x'])), GENERATORS.enum as fc.Arbitrary<string>) : (GENERATORS[type] ?? anyValue);
    const dataArb = fc.tuple(...doc.keywords.map((k) => valueFor(k.type, k.key)));
    fc.assert(
      fc.property(dataArb, (values) => {
        const data = Object.fromEntries(doc.keywords.map((k, i) => [k.key, values[i] as string]));
        if (!validateMessage(doc, data).valid) return true;
        const problem = judgeSend(item.content, toWechatData(data), enums);
        if (problem) throw new Error(`validateMessage accepts ${JSON.stringify(data)}; WeChat answers 47003 ${problem.errmsg} (${problem.reason})`);
        return true;
      }),
      { numRuns: RUNS },
    );
  });
});
