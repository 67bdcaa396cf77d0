// Unit (pure): a long real nickname is shortened to fit its keyword's rule in resolveForUser, the one place per-user
// variables are rendered; short ones are untouched; one that cannot fit falls back to 用户.
import { resolveForUser } from '../../core/campaigns/variables';
import { checkKeyword } from '../../core/template/keywords';

const user = (nickname: string) => ({ _id: 'o-1', nickname });

it('thing (≤ 20): the longest prefix that fits, with an ellipsis; the rest of the text is kept', () => {
  const out = resolveForUser({ thing4: '{{nickname}}，记得带书来参加' }, user('一个非常非常长的微信昵称真的很长很长很长'));
  expect(out.thing4).toBe('一个非常非常长的微信昵…，记得带书来参加');
  expect([...out.thing4!]).toHaveLength(20);
  expect(checkKeyword('thing', out.thing4)).toBeNull();
});

it('a nickname that fits is untouched; a missing one reads 用户', () => {
  expect(resolveForUser({ thing4: '{{nickname}}，你好' }, user('阿明'))).toEqual({ thing4: '阿明，你好' });
  expect(resolveForUser({ thing4: '{{nickname}}，你好' }, null)).toEqual({ thing4: '用户，你好' });
});

it('name (≤ 10 when Chinese, ≤ 20 letters): shortened by its own rule', () => {
  expect(resolveForUser({ name1: '{{nickname}}' }, user('欧阳娜娜娜娜娜娜娜娜娜'))).toEqual({ name1: '欧阳娜娜娜娜娜娜娜…' });
  expect(resolveForUser({ name1: '{{nickname}}' }, user('Alexandria-Catherine-Smith'))).toEqual({ name1: 'Alexandria-Catherin…' });
  expect(checkKeyword('name', 'Alexandria-Catherin…')).toBeNull();
});

it('a nickname whose characters the type refuses falls back to 用户 instead of failing the user', () => {
  // name allows no digits: no prefix of "abc123" with digits fits, but "abc…" does.
  expect(resolveForUser({ name1: '{{nickname}}' }, user('abc123'))).toEqual({ name1: 'abc…' });
  expect(resolveForUser({ name1: '{{nickname}}' }, user('12345'))).toEqual({ name1: '用户' });
  // phrase is Chinese only (≤ 5): "…" is not allowed there, so the fallback is used.
  expect(resolveForUser({ phrase2: '{{nickname}}' }, user('阿明同学你好呀'))).toEqual({ phrase2: '用户' });
});

it('other variables in the same value are rendered as before', () => {
  const out = resolveForUser({ thing1: '{{nickname}}来自{{attributes.city}}' }, { _id: 'o', nickname: '很长很长很长很长很长很长很长很长很长', attributes: { city: '上海' } });
  expect(out.thing1!.endsWith('…来自上海')).toBe(true);
  expect([...out.thing1!].length).toBeLessThanOrEqual(20);
});
