// Unit: message-level validation of whole `data` objects against the demo templates (missing, unknown, rules).
import { toWechatData, validateMessage } from '../../core/template/validate';
import { EVENT_DATA } from '../sending/fakes';
import { declaredTemplate as template } from '../support/templates';

const EVENT = template('TPL_EVENT_REMINDER');
const ORDER = template('TPL_ORDER_STATUS');
const APPLY = template('TPL_APPLY_RESULT');

describe('validateMessage', () => {
  it('accepts valid data for every demo template, as plain strings and as { value } wrappers', () => {
    const cases: [string, Record<string, string>][] = [
      ['TPL_EVENT_REMINDER', EVENT_DATA],
      ['TPL_ORDER_STATUS', { character_string1: '20191001-0001', phrase2: '配送中', amount3: '￥100', phone_number4: '+86-0766-66888866' }],
      ['TPL_NEW_ARRIVAL', { thing1: '秋季新款风衣', date2: '2019年10月1日', thing3: '限量100件' }],
      ['TPL_SERVICE_NOTICE', { thing1: '居住证办理', phrase2: '已受理', time3: '2019年10月1日 15:01' }],
      ['TPL_APPLY_RESULT', { enum1: '已通过', name2: '张三' }],
    ];
    for (const [id, data] of cases) {
      expect(validateMessage(template(id), data)).toEqual({ valid: true, errors: [] });
      expect(validateMessage(template(id), toWechatData(data)).valid).toBe(true);
    }
  });

  it('reports every missing key, naming key and rule', () => {
    const r = validateMessage(EVENT, { thing1: '读书会' });
    expect(r.valid).toBe(false);
    expect(r.errors.map((e) => [e.key, e.rule])).toEqual([
      ['time2', 'missing'],
      ['thing3', 'missing'],
      ['thing4', 'missing'],
    ]);
    expect(r.errors[0]?.message).toBe('time2 (time) is required'); // English for developers: key and type, no Chinese label
  });

  it('reports unknown keys (WeChat would answer 47003)', () => {
    const r = validateMessage(EVENT, { ...EVENT_DATA, thing5: 'x' });
    expect(r.errors).toEqual([expect.objectContaining({ key: 'thing5', rule: 'unknown_key', value: 'x' })]);
  });

  it('names key, rule and value for each keyword rule broken', () => {
    const tooLong = '这是一个超过二十个字符的活动名称用来测试长度限制';
    const r = validateMessage(ORDER, { character_string1: '订单一', phrase2: '配送中了吗呀', amount3: '100', phone_number4: '' });
    expect(r.errors.map((e) => [e.key, e.rule, e.value])).toEqual([
      ['character_string1', 'charset', '订单一'],
      ['phrase2', 'length', '配送中了吗呀'],
      ['amount3', 'format', '100'],
      ['phone_number4', 'empty', ''],
    ]);
    const t = validateMessage(EVENT, { ...EVENT_DATA, thing1: tooLong, time2: '25:00' });
    expect(t.errors.map((e) => [e.key, e.rule])).toEqual([
      ['thing1', 'length'],
      ['time2', 'format'],
    ]);
  });

  it('checks enum keywords against the template enum values', () => {
    expect(validateMessage(APPLY, { enum1: '已通过', name2: '张三' }).valid).toBe(true);
    const r = validateMessage(APPLY, { enum1: '通过', name2: '张三' });
    expect(r.errors).toEqual([expect.objectContaining({ key: 'enum1', rule: 'enum', value: '通过' })]);
    expect(r.errors[0]?.message).toContain('已通过/未通过/待补充');
  });

  it('rejects non-string values and control characters', () => {
    const r = validateMessage(EVENT, { ...EVENT_DATA, thing1: 42 as unknown as string, thing4: '第一行\n第二行' });
    expect(r.errors.map((e) => [e.key, e.rule])).toEqual([
      ['thing1', 'type'],
      ['thing4', 'control'],
    ]);
  });
});
