// Tests (core, pure): keyword-value rules of subscription messages — documented examples and edge cases per type.
import { parseContent, renderContent } from '../../core/template/content';
import { checkKeyword, checkTemplateData, isKnownKeywordType, keywordType } from '../../core/template/keywords';

test.each([
  ['thing1', 'thing'], ['character_string2', 'character_string'], ['short_thing3', 'short_thing'], ['phone_number4', 'phone_number'],
  ['car_number1', 'car_number'], ['enum1', 'enum'], ['number01', 'number'], ['time2.DATA', 'time'], ['enum_string1', 'enum_string'], ['name', 'name'],
])('keywordType(%s) = %s', (key, type) => {
  expect(keywordType(key)).toBe(type);
});

test('isKnownKeywordType', () => {
  expect(isKnownKeywordType('phrase')).toBe(true);
  expect(isKnownKeywordType('enum_string')).toBe(false);
});

const ENUM = { enumValues: ['已通过', '未通过', '待补充'] };
// [type, value] pairs that must pass. Includes the examples of [SEND-NEW] §2.
const valid: [string, string][] = [
  ['thing', '周末读书会'], ['thing', 'Book club #3 @ 图书馆!'], ['thing', '一二三四五六七八九十一二三四五六七八九十'], ['thing', '😀'.repeat(20)],
  ['number', '0'], ['number', '12.50'], ['number', '9'.repeat(32)],
  ['letter', 'abcXYZ'], ['letter', 'a'.repeat(32)],
  ['symbol', '!@#'], ['symbol', '￥%…'], ['symbol', '-----'],
  ['character_string', 'A-1001'], ['character_string', 'ab_12.3/x'], ['character_string', 'x'.repeat(32)],
  ['time', '15:01'], ['time', '15:01:59'], ['time', '9:05'], ['time', '2019年10月1日 15:01'], ['time', '2019年10月1日15:01'], ['time', '2019-10-01 15:01'],
  ['time', '15:01~16:30'], ['time', '2019年10月1日 15:01~2019年10月1日 16:01'], ['time', '10月1日 08:00'],
  ['date', '2019年10月1日'], ['date', '2019年10月1日 15:01'], ['date', '2018-01-01'], ['date', '2018/01/01'], ['date', '2018.01.01'],
  ['date', '2018-01'], ['date', '01-01'], ['date', '2019年10月'], ['date', '10月1日'], ['date', '2019年10月1日~2019年10月7日'], ['date', '2020-02-29'], ['date', '2月29日'],
  ['amount', '￥100'], ['amount', '¥100.50'], ['amount', '$0.99'], ['amount', '￥100元'], ['amount', '€1234567890'],
  ['phone_number', '+86-0766-66888866'], ['phone_number', '13800138000'], ['phone_number', '(020)12345678'],
  ['car_number', '粤A8Z888挂'], ['car_number', '京A12345'], ['car_number', 'WJ12345'], ['car_number', '粤B1234学'],
  ['name', '张三'], ['name', '欧阳娜娜'], ['name', 'John·Smith'], ['name', 'Anne-Marie'], ['name', '张San'], ['name', '一二三四五六七八九十'], ['name', 'a'.repeat(20)],
  ['phrase', '配送中'], ['phrase', '已受理'], ['phrase', '一二三四五'],
  ['enum', '已通过'], ['enum', '待补充'],
  ['short_thing', '已签'], ['short_thing', 'ok!'], ['short_thing', '12345'],
  ['enum_string', '任意内容'],
];
test.each(valid)('%s accepts %j', (type, value) => {
  expect(checkKeyword(type, value, ENUM)).toBeNull();
});

// [type, value, rule that breaks]
const invalid: [string, unknown, string][] = [
  ['thing', '', 'empty'], ['thing', '   ', 'empty'], ['thing', '一二三四五六七八九十一二三四五六七八九十一', 'length'], ['thing', 'a\nb', 'control'],
  ['thing', 'tab\there', 'control'], ['thing', 12, 'type'], ['thing', null, 'type'], ['thing', 'a\u2028b', 'control'],
  ['number', '1,000', 'format'], ['number', '-5', 'format'], ['number', '1.2.3', 'format'], ['number', '.5', 'format'], ['number', '9'.repeat(33), 'length'], ['number', '一', 'format'],
  ['letter', 'abc1', 'charset'], ['letter', 'ａｂｃ', 'charset'], ['letter', 'a b', 'charset'], ['letter', 'a'.repeat(33), 'length'],
  ['symbol', 'a!', 'charset'], ['symbol', '!!!!!!', 'length'], ['symbol', '! !', 'charset'],
  ['character_string', '订单1', 'charset'], ['character_string', 'A 1', 'charset'], ['character_string', 'x'.repeat(33), 'length'],
  ['time', '25:00', 'format'], ['time', '15:60', 'format'], ['time', '15:01:60', 'format'], ['time', '1501', 'format'], ['time', '下午3点', 'format'],
  ['time', '2019年10月1日', 'format'], ['time', '15:01~', 'format'], ['time', '15:01~16:00~17:00', 'format'], ['time', '15:01 ~ 16:00', 'format'],
  ['time', '2019年10月 15:01', 'format'],
  ['date', '2019年13月1日', 'format'], ['date', '2019-02-29', 'format'], ['date', '2019年4月31日', 'format'], ['date', '2019/10-01', 'format'],
  ['date', '19-10-01', 'format'], ['date', '2019年10月1日 25:00', 'format'], ['date', 'tomorrow', 'format'], ['date', '2019年', 'format'],
  ['amount', '100', 'format'], ['amount', '100元', 'format'], ['amount', '￥', 'format'], ['amount', '￥￥100', 'format'], ['amount', '￥1,000', 'format'],
  ['amount', '￥12345678901', 'length'], ['amount', '￥123456789.01', 'length'], ['amount', '￥-5', 'format'],
  ['phone_number', '+86-0766-668888661', 'length'], ['phone_number', '电话123', 'charset'], ['phone_number', '138 0013 8000', 'charset'], ['phone_number', '+-()', 'format'],
  ['car_number', '粤A8Z888挂1', 'length'], ['car_number', '粤A中8888', 'charset'], ['car_number', 'A-1234', 'charset'],
  ['name', '一二三四五六七八九十一', 'length'], ['name', 'a'.repeat(21), 'length'], ['name', 'Zhang3', 'charset'], ['name', 'John Smith', 'charset'], ['name', '·-', 'format'],
  ['phrase', '正在配送途中', 'length'], ['phrase', 'abc', 'charset'], ['phrase', '配送中!', 'charset'], ['phrase', '配 送', 'charset'],
  ['enum', '通过', 'enum'], ['enum', '已通过 ', 'enum'],
  ['short_thing', '一二三四五六', 'length'],
  ['enum_string', 'x'.repeat(21), 'length'],
];
test.each(invalid)('%s rejects %j (%s)', (type, value, rule) => {
  const v = checkKeyword(type, value, ENUM);
  expect(v).not.toBeNull();
  expect(v?.rule).toBe(rule);
  expect(v?.message).toContain(type);
});

test('enum without a known value list fails', () => {
  expect(checkKeyword('enum', '已通过')).toMatchObject({ rule: 'enum' });
});

const CONTENT = '活动名称:{{thing1.DATA}}\n开始时间：{{time2.DATA}}\n\n备注 {{thing3.DATA}}\n';
test('parseContent: label, key and type per placeholder line (ASCII or full-width colon)', () => {
  expect(parseContent(CONTENT)).toEqual([
    { label: '活动名称', key: 'thing1', type: 'thing' },
    { label: '开始时间', key: 'time2', type: 'time' },
    { label: '备注', key: 'thing3', type: 'thing' },
  ]);
  expect(parseContent('申请结果:{{enum1.DATA}}\n申请人:{{name2.DATA}}\n').map((f) => f.type)).toEqual(['enum', 'name']);
  expect(parseContent('no placeholders')).toEqual([]);
});

test('renderContent substitutes values and drops blank lines', () => {
  expect(renderContent(CONTENT, { thing1: '读书会', time2: '15:01' })).toEqual(['活动名称:读书会', '开始时间：15:01', '备注 ']);
});

test('checkTemplateData: first failing key, missing keys are empty, extra keys ignored', () => {
  const fields = parseContent(CONTENT);
  const ok = { thing1: { value: '读书会' }, time2: { value: '15:01' }, thing3: { value: '无' }, extra9: { value: '' } };
  expect(checkTemplateData(fields, ok)).toBeNull();
  expect(checkTemplateData(fields, { ...ok, time2: { value: '25:00' } })).toMatchObject({ key: 'time2', rule: 'format' });
  expect(checkTemplateData(fields, { thing1: ok.thing1, time2: ok.time2 })).toMatchObject({ key: 'thing3', rule: 'empty' });
  expect(checkTemplateData(fields, { ...ok, thing1: '读书会' })).toMatchObject({ key: 'thing1', rule: 'type' });
  expect(checkTemplateData(fields, [ok])).toMatchObject({ key: null, rule: 'type' });
  const enumFields = parseContent('申请结果:{{enum1.DATA}}\n');
  expect(checkTemplateData(enumFields, { enum1: { value: '已通过' } }, { enum1: ['已通过'] })).toBeNull();
  expect(checkTemplateData(enumFields, { enum1: { value: '已通过' } })).toMatchObject({ key: 'enum1', rule: 'enum' });
});
