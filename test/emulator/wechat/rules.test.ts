// Tests (WeChat simulator): the emulator's own table of WeChat's keyword rules (emulator/wechat/rules.ts), with the
// documented examples of the official table "订阅消息参数值内容限制说明" (docs/platform-facts.md §2) and the 47003 errmsg.
import { keywordTypeOf, placeholders, renderCard } from '../../../emulator/wechat/content';
import { isClock, isDatePoint, isTimePoint } from '../../../emulator/wechat/datetime';
import { errmsgFor, judgeData, judgeSend, judgeValue, KEYWORD_RULES, ruleFor, UNKNOWN_TYPE_RULE } from '../../../emulator/wechat/rules';

const ENUM = ['已通过', '未通过', '待补充'];
const x = (c: string, n: number): string => c.repeat(n);

// [type, value, why] — each accepted. Documented examples first, then values at the documented limits.
const valid: [string, string, string][] = [
  ['thing', '周末读书会', 'doc example style'],
  ['thing', '图书馆三楼报告厅', 'seed example'],
  ['thing', '请提前10分钟到场', 'Chinese + digits'],
  ['thing', 'Room 3B, 2F!', 'letters, digits, spaces and symbols'],
  ['thing', x('一', 20), '20 Chinese characters (the limit)'],
  ['thing', x('a', 20), '20 letters'],
  ['thing', '读书会📚', 'an emoji counts one character'],
  ['thing', x('😀', 20), '20 astral emoji = 20 code points'],
  ['number', '100', 'digits'],
  ['number', '3.14', 'decimals allowed'],
  ['number', x('9', 32), '32 digits (the limit)'],
  ['number', `${x('1', 16)}.${x('2', 16)}`, '32 digits with a decimal point (the point is not a digit)'],
  ['number', '007', 'leading zeros'],
  ['letter', 'abc', 'letters'],
  ['letter', x('Z', 32), '32 letters (the limit)'],
  ['symbol', '★', 'one symbol'],
  ['symbol', '+-*/%', '5 symbols (the limit)'],
  ['symbol', '，。！？￥', 'full-width punctuation and currency'],
  ['character_string', '20191001-0001', 'seed example: digits and symbols'],
  ['character_string', 'A-1001', 'letters, digits, symbol'],
  ['character_string', x('A', 32), '32 (the limit)'],
  ['time', '15:01', 'doc example'],
  ['time', '2019年10月1日 15:01', 'doc example'],
  ['time', '15:01:59', 'HH:MM:SS'],
  ['time', '00:00', 'midnight'],
  ['time', '23:59:59', 'last second'],
  ['time', '9:05', 'one-digit hour'],
  ['time', '15:01~16:30', 'a range with "~"'],
  ['time', '2019年10月1日 15:01~2019年10月1日 17:00', 'a range of date-times'],
  ['time', '2019年10月1日 15:01 ~ 17:00', 'a range, spaces around "~"'],
  ['time', '2019-10-01 15:01', 'numeric date then time'],
  ['time', '2019/10/01 15:01:00', 'slashes'],
  ['time', '2019.10.01 15:01', 'dots'],
  ['time', '10月1日 15:01', 'm月d日 then time'],
  ['time', '01-01 08:00', 'm-d then time'],
  ['time', '2019年10月1日15:01', 'no space after 日'],
  ['date', '2019年10月1日', 'doc example'],
  ['date', '2019年10月1日 15:01', 'doc example (date + time)'],
  ['date', '2019年10月', 'y年m月'],
  ['date', '10月1日', 'm月d日'],
  ['date', '2018-01-01', 'doc spelling'],
  ['date', '2018/01/01', 'doc spelling'],
  ['date', '2018.01.01', 'doc spelling'],
  ['date', '2018-01', 'doc spelling'],
  ['date', '01-01', 'doc spelling'],
  ['date', '2020年2月29日', 'leap day'],
  ['date', '2月29日', 'leap day without a year'],
  ['date', '2019年10月1日~2019年10月7日', 'a range'],
  ['date', '2018-01-01~2018-01-31', 'a numeric range'],
  ['amount', '￥100', 'doc example'],
  ['amount', '¥99.50', 'half-width yen, decimals'],
  ['amount', '$1234567890', '10 digits (the limit)'],
  ['amount', '￥100元', 'may end with 元'],
  ['amount', '€0.99元', 'another currency symbol'],
  ['phone_number', '+86-0766-66888866', 'doc example: 17 (the limit)'],
  ['phone_number', '13800138000', 'digits'],
  ['phone_number', '(0766)6688', 'brackets are symbols'],
  ['car_number', '粤A8Z888挂', 'doc example: Chinese first and last, 8 (the limit)'],
  ['car_number', '京A12345', 'Chinese first only'],
  ['car_number', 'WJ12345', 'no Chinese at all'],
  ['car_number', '粤AD12345', 'new-energy plate, 8'],
  ['name', '张三', 'pure Chinese'],
  ['name', x('张', 10), '10 Chinese (the limit)'],
  ['name', '欧阳Lily', 'Chinese + letters counts as Chinese, ≤ 10'],
  ['name', '阿卜杜·热合曼', 'Chinese with a middle dot'],
  ['name', 'Zhang', 'letters'],
  ['name', "O'Brien-Smith", 'letters and symbols'],
  ['name', x('a', 20), '20 letters (the limit)'],
  ['phrase', '配送中', 'doc example'],
  ['phrase', '已经发货了', '5 Chinese (the limit)'],
  ['enum', '已通过', 'in the template\'s range'],
  ['short_thing', '生成成功', 'undocumented type: thing rule'],
  ['enum_string', '在线', 'unknown type: thing rule'],
];

// [type, value, why] — each refused as "invalid".
const invalid: [string, string, string][] = [
  ['thing', x('一', 21), '21 Chinese characters'],
  ['thing', x('a', 21), '21 letters'],
  ['thing', '第一行\n第二行', 'newline (control character)'],
  ['thing', 'a\tb', 'tab (control character)'],
  ['thing', 'a\u2028b', 'line separator'],
  ['thing', 'a\ud800b', 'lone surrogate'],
  ['number', x('9', 33), '33 digits'],
  ['number', '-1', 'a sign is not a digit'],
  ['number', '1,000', 'thousands separator'],
  ['number', '1.2.3', 'two decimal points'],
  ['number', '.5', 'no integer digit'],
  ['number', '5.', 'no decimal digit'],
  ['number', '１２', 'full-width digits'],
  ['number', '12a', 'a letter'],
  ['letter', x('a', 33), '33 letters'],
  ['letter', 'abc1', 'a digit'],
  ['letter', 'ab c', 'a space'],
  ['letter', 'é', 'not an English letter'],
  ['symbol', '+-*/%=', '6 symbols'],
  ['symbol', 'a', 'a letter'],
  ['symbol', '1', 'a digit'],
  ['symbol', '中', 'Chinese'],
  ['character_string', '订单A1', 'Chinese'],
  ['character_string', x('A', 33), '33'],
  ['character_string', 'A 1', 'a space'],
  ['time', '25:00', 'hour out of range'],
  ['time', '24:00', '24-hour clock ends at 23:59'],
  ['time', '15:60', 'minute out of range'],
  ['time', '15:1', 'one-digit minute'],
  ['time', '明天下午', 'words'],
  ['time', '2019年10月1日', 'a date without a time'],
  ['time', '2019年10月 15:01', 'a time after a date that names no day'],
  ['time', '15:01~', 'a range with one end'],
  ['time', '15:01~16:00~17:00', 'three ends'],
  ['time', '3pm', '12-hour clock'],
  ['time', '2019-10-01T15:01:00Z', 'ISO 8601 is not a documented spelling'],
  ['date', '2019年13月1日', 'month 13'],
  ['date', '2019年2月29日', 'not a leap year'],
  ['date', '2019年4月31日', 'April has 30 days'],
  ['date', '2019/10-01', 'mixed separators'],
  ['date', '19-10-01', 'two-digit year'],
  ['date', '15:01', 'a time without a date'],
  ['date', '2019年10月1日~', 'a range with one end'],
  ['date', 'tomorrow', 'words'],
  ['amount', '100', 'no currency symbol'],
  ['amount', '￥12345678901', '11 digits'],
  ['amount', '￥￥100', 'two currency symbols'],
  ['amount', '￥1,000', 'thousands separator'],
  ['amount', '￥-1', 'sign'],
  ['amount', '100元', '元 is not the currency symbol'],
  ['amount', '￥ 100', 'a space'],
  ['amount', '￥100元整', 'text after 元'],
  ['phone_number', '+86-0766-668888661', '18'],
  ['phone_number', '电话12345', 'Chinese'],
  ['phone_number', '0766 6688', 'a space is not a symbol'],
  ['phone_number', 'tel:110', 'letters'],
  ['car_number', '粤A8Z888挂1', '9'],
  ['car_number', '粤A中888挂', 'Chinese in the middle'],
  ['car_number', '粤A·8Z888', 'a symbol'],
  ['name', x('张', 11), '11 Chinese'],
  ['name', '欧阳一二三四五六七八九', '11 Chinese (mixed length)'],
  ['name', '欧阳LilyAnneMarie', 'Chinese + letters counts as Chinese: 15 > 10'],
  ['name', x('a', 21), '21 letters'],
  ['name', 'Zhang3', 'a digit'],
  ['name', 'Zhang San', 'a space is not a symbol'],
  ['phrase', '正在配送途中', '6 Chinese'],
  ['phrase', 'shipped', 'letters'],
  ['phrase', '配送中!', 'a symbol'],
  ['phrase', '配送 中', 'a space'],
  ['enum', '通过了', 'not in the range'],
  ['enum', '已通过 ', 'compared exactly'],
  ['short_thing', x('一', 21), 'undocumented type: thing rule, 21'],
  ['enum_string', x('a', 21), 'unknown type: thing rule, 21'],
];

describe('the rule table', () => {
  test.each(valid)('%s accepts %j (%s)', (type, value) => {
    expect(judgeValue(type, value, ENUM)).toEqual({ ok: true });
  });

  test.each(invalid)('%s refuses %j (%s)', (type, value) => {
    expect(judgeValue(type, value, ENUM)).toMatchObject({ ok: false, problem: 'invalid' });
  });

  test.each(Object.keys(KEYWORD_RULES))('%s: empty, blank, missing and null values are "empty"; non-strings "invalid"', (type) => {
    for (const v of ['', ' ', '\u3000', '  \u00a0 ', undefined, null]) {
      expect(judgeValue(type, v, ENUM)).toMatchObject({ ok: false, problem: 'empty' });
    }
    for (const v of [42, true, { value: 'x' }, ['x']]) {
      expect(judgeValue(type, v, ENUM)).toMatchObject({ ok: false, problem: 'invalid' });
    }
  });

  test('every documented type of the official table has a row; unknown types fall back to the thing rule', () => {
    expect(Object.keys(KEYWORD_RULES).sort()).toEqual(
      ['amount', 'car_number', 'character_string', 'date', 'enum', 'letter', 'name', 'number', 'phone_number', 'phrase', 'short_thing', 'symbol', 'thing', 'time'],
    );
    expect(ruleFor('enum_string')).toBe(UNKNOWN_TYPE_RULE);
    expect(ruleFor('toString')).toBe(UNKNOWN_TYPE_RULE); // not an Object.prototype lookup
    expect(UNKNOWN_TYPE_RULE.max).toBe(KEYWORD_RULES.thing?.max);
  });

  test('enum without a range for the key refuses every value', () => {
    expect(judgeValue('enum', '已通过')).toMatchObject({ ok: false, problem: 'invalid' });
    expect(judgeValue('enum', '已通过', [])).toMatchObject({ ok: false, problem: 'invalid' });
  });
});

describe('date and time grammar', () => {
  test.each(['0:00', '7:30', '23:59', '12:00:00'])('%s is a clock', (v) => expect(isClock(v)).toBe(true));
  test.each(['24:00', '12:60', '12:00:60', '1200', '12:0'])('%s is not a clock', (v) => expect(isClock(v)).toBe(false));
  test('a time point needs a clock; a date point needs a date', () => {
    expect(isTimePoint('2019年10月1日 15:01')).toBe(true);
    expect(isTimePoint('2019年10月1日')).toBe(false);
    expect(isDatePoint('2019年10月1日')).toBe(true);
    expect(isDatePoint('15:01')).toBe(false);
    expect(isDatePoint('2000年2月29日')).toBe(true); // divisible by 400
    expect(isDatePoint('1900年2月29日')).toBe(false); // divisible by 100
  });
});

describe('47003 errmsg names the field', () => {
  const content = '活动名称:{{thing1.DATA}}\n开始时间:{{time2.DATA}}\n申请结果:{{enum3.DATA}}\n';
  const good = { thing1: { value: '读书会' }, time2: { value: '15:01' }, enum3: { value: '已通过' } };
  const enums = { enum3: ENUM };

  test('a valid payload passes; extra keys are ignored', () => {
    expect(judgeSend(content, good, enums)).toBeNull();
    expect(judgeSend(content, { ...good, thing9: { value: 'x' } }, enums)).toBeNull();
  });

  test.each([
    ['thing1', { value: x('一', 21) }, 'argument invalid! data.thing1.value invalid'],
    ['time2', { value: '25:00' }, 'argument invalid! data.time2.value invalid'],
    ['enum3', { value: '通过了' }, 'argument invalid! data.enum3.value invalid'],
    ['thing1', { value: '' }, 'argument invalid! data.thing1.value is empty'],
    ['time2', { value: '   ' }, 'argument invalid! data.time2.value is empty'],
    ['thing1', { value: null }, 'argument invalid! data.thing1.value is empty'],
    ['thing1', {}, 'argument invalid! data.thing1.value is empty'],
    ['thing1', undefined, 'argument invalid! data.thing1.value is empty'],
    ['thing1', '读书会', 'argument invalid! data.thing1.value invalid'],
    ['thing1', { value: 7 }, 'argument invalid! data.thing1.value invalid'],
  ])('%s = %j → %s', (key, entry, errmsg) => {
    const data: Record<string, unknown> = { ...good };
    if (entry === undefined) delete data[key];
    else data[key] = entry;
    expect(judgeSend(content, data, enums)).toMatchObject({ key, errmsg });
  });

  test('the first failing field in template order is named', () => {
    const bad = { thing1: { value: '' }, time2: { value: 'x' }, enum3: { value: 'y' } };
    expect(judgeSend(content, bad, enums)?.errmsg).toBe('argument invalid! data.thing1.value is empty');
    expect(judgeData([{ key: 'time2', type: 'time' }, { key: 'thing1', type: 'thing' }], bad)?.key).toBe('time2');
  });

  test.each([['not-an-object'], [null], [['x']], [42]])('data %j → "argument invalid! data invalid"', (data) => {
    expect(judgeSend(content, data, enums)).toMatchObject({ key: null, errmsg: 'argument invalid! data invalid' });
  });

  test('errmsgFor', () => {
    expect(errmsgFor('thing2', 'invalid')).toBe('argument invalid! data.thing2.value invalid');
    expect(errmsgFor('number2', 'empty')).toBe('argument invalid! data.number2.value is empty');
  });
});

describe('content: placeholders and the card', () => {
  test.each([
    ['thing1', 'thing'],
    ['number01', 'number'],
    ['character_string12', 'character_string'],
    ['phone_number4', 'phone_number'],
    ['short_thing1', 'short_thing'],
    ['enum_string2', 'enum_string'],
    ['thing_3', 'thing'],
    ['enum1.DATA', 'enum'],
  ])('%s is of type %s', (key, type) => expect(keywordTypeOf(key)).toBe(type));

  test('placeholders in reading order, each key once, label before it', () => {
    expect(placeholders('活动名称:{{thing1.DATA}}\r\n开始时间：{{time2.DATA}}\n\n{{thing1.DATA}} 地点 {{thing3.DATA}}')).toEqual([
      { key: 'thing1', type: 'thing', label: '活动名称' },
      { key: 'time2', type: 'time', label: '开始时间' },
      { key: 'thing3', type: 'thing', label: '地点' },
    ]);
  });

  test('the card: title, filled non-blank lines, jump text in the message language when there is a page', () => {
    const content = '活动名称:{{thing1.DATA}}\n\n开始时间:{{time2.DATA}}\n';
    const values = { thing1: '读书会', time2: '15:01' };
    expect(renderCard('活动开始提醒', content, values)).toBe('活动开始提醒\n活动名称:读书会\n开始时间:15:01');
    expect(renderCard('活动开始提醒', content, values, { page: 'pages/index/index' })).toBe('活动开始提醒\n活动名称:读书会\n开始时间:15:01\n进入小程序查看');
    expect(renderCard('T', content, values, { page: 'p', lang: 'en_US' }).split('\n').at(-1)).toBe('Go to Mini Program');
    expect(renderCard('T', content, { thing1: 'a' })).toBe('T\n活动名称:a\n开始时间:');
  });
});
