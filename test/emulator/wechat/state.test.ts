// The WeChat simulator's per-user tables (emulator/wechat/state.ts): a SparseMap answers as a Map does, whether it
// holds its first entry inline or has grown a Map.
import { SparseMap } from '../../../emulator/wechat/state';

it('a SparseMap gets, overwrites and lists entries in insertion order as a Map does', () => {
  const s = new SparseMap<number>();
  const m = new Map<string, number>();
  expect([...s]).toEqual([]);
  expect(s.get('a')).toBeUndefined();
  const steps: [string, number][] = [['a', 1], ['a', 2], ['b', 3], ['a', 4], ['c', 5], ['b', 0]];
  for (const [k, v] of steps) {
    s.set(k, v);
    m.set(k, v);
    expect([...s]).toEqual([...m]);
    for (const key of ['a', 'b', 'c', 'd']) expect(s.get(key)).toBe(m.get(key));
  }
  expect(Object.fromEntries(s)).toEqual({ a: 4, b: 0, c: 5 });
});

it('a SparseMap keeps a falsy value of its inline entry', () => {
  const s = new SparseMap<boolean>();
  s.set('t', false);
  expect(s.get('t')).toBe(false);
  expect([...s]).toEqual([['t', false]]);
});
