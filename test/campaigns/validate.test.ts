// Unit (core): campaign data validated on save against the template's keyword rules; per-user variables.
import { checkCampaignData } from '../../core/campaigns/validate';
import { resolveForUser, unknownVariables, withSampleValues } from '../../core/campaigns/variables';
import { demoTemplate, GOOD_EVENT_DATA } from './fakes';

const event = demoTemplate('TPL_EVENT_REMINDER')!;

describe('campaign data validation on save', () => {
  it('accepts good data with a {{nickname}} variable', () => {
    expect(checkCampaignData(event, GOOD_EVENT_DATA)).toEqual([]);
  });

  it('names the key that breaks a rule', () => {
    const errors = checkCampaignData(event, { ...GOOD_EVENT_DATA, thing1: '这是一个非常非常非常非常非常长的活动名称啊', time2: '明天早上' });
    expect(errors.map((e) => [e.key, e.rule])).toEqual([
      ['thing1', 'length'],
      ['time2', 'format'],
    ]);
    expect(errors[0]!.message).toBe('thing1: thing: at most 20 characters, got 21'); // English: key and type, no Chinese label
  });

  it('reports missing and unknown keys', () => {
    const { thing4: _drop, ...rest } = GOOD_EVENT_DATA;
    const errors = checkCampaignData(event, { ...rest, thing9: 'x' });
    expect(errors.map((e) => [e.key, e.rule])).toEqual([
      ['thing4', 'missing'],
      ['thing9', 'unknown_key'],
    ]);
  });

  it('checks variables with a representative value and refuses unknown ones', () => {
    // 17 characters + the 4-character sample nickname = 21 > 20 for thing.
    const long = checkCampaignData(event, { ...GOOD_EVENT_DATA, thing4: '{{nickname}}一二三四五六七八九十一二三四五六七' });
    expect(long.map((e) => [e.key, e.rule])).toEqual([['thing4', 'length']]);
    const unknown = checkCampaignData(event, { ...GOOD_EVENT_DATA, thing3: '{{city}}' });
    expect(unknown.map((e) => [e.key, e.rule])).toEqual([['thing3', 'variable']]);
    expect(unknownVariables({ a: '{{ nickname }} {{attributes.city}} {{x.y}}' })).toEqual([{ key: 'a', variable: 'x.y' }]);
  });

  it('refuses variables naming inherited properties (__proto__, constructor, prototype, toString) at save', () => {
    for (const name of ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '_x', '9a']) {
      const errors = checkCampaignData(event, { ...GOOD_EVENT_DATA, thing3: `{{attributes.${name}}}` });
      expect(errors.map((e) => [e.key, e.rule])).toEqual([['thing3', 'variable']]);
      expect(errors[0]!.message).toContain(`{{attributes.${name}}}`);
    }
  });

  it('resolves only own, plain-data attributes (never an inherited property or an object)', () => {
    const data = { thing1: 'a{{attributes.__proto__}}b', thing2: '{{attributes.constructor}}', thing3: '{{attributes.toString}}', thing4: '{{attributes.obj}}' };
    const user = JSON.parse('{"_id":"o-a","attributes":{"obj":{"x":1}}}');
    expect(resolveForUser(data, user)).toEqual({ thing1: 'ab', thing2: '', thing3: '', thing4: '' });
    const own = JSON.parse('{"_id":"o-a","attributes":{"__proto__":"p","city":"上海"}}');
    expect(resolveForUser({ thing1: '{{attributes.__proto__}}|{{attributes.city}}' }, own)).toEqual({ thing1: '|上海' });
  });

  it('checks enum keywords against the template value list', () => {
    const apply = demoTemplate('TPL_APPLY_RESULT')!;
    expect(checkCampaignData(apply, { enum1: '已通过', name2: '{{nickname}}' })).toEqual([]);
    expect(checkCampaignData(apply, { enum1: '通过', name2: '张三' }).map((e) => e.key)).toEqual(['enum1']);
  });

  it('resolves variables per user, with fallbacks', () => {
    const data = { thing1: '{{nickname}}您好', thing2: '城市:{{attributes.city}}' };
    expect(withSampleValues(data)).toEqual({ thing1: '微信用户您好', thing2: '城市:示例' });
    expect(resolveForUser(data, { _id: 'o-a', nickname: '小明', attributes: { city: '上海' } })).toEqual({ thing1: '小明您好', thing2: '城市:上海' });
    expect(resolveForUser(data, null)).toEqual({ thing1: '用户您好', thing2: '城市:' });
  });
});
