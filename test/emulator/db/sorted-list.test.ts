// Test layer (emulator/db): the chunked SortedList behaves as a plain sorted array under random insert, delete,
// lower-bound, rank lookup and (reverse) iteration from a position, with tiny chunks so splits and merges happen often.
import fc from 'fast-check';
import { SortedList } from '../../../emulator/db/sorted-list';

/** Items compared by key only, so equal keys test the "new item after its equals" rule through their tags. */
interface Item {
  k: number;
  tag: number;
}
const cmp = (a: Item, b: Item): number => a.k - b.k;

type Op =
  | { t: 'ins'; k: number }
  | { t: 'del'; k: number }
  | { t: 'lb'; k: number }
  | { t: 'at'; i: number }
  | { t: 'iter'; from: number; len: number }
  | { t: 'rev'; from: number; len: number };

const key = fc.integer({ min: 0, max: 30 });
const pos = fc.integer({ min: -2, max: 120 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: key.map((k): Op => ({ t: 'ins', k })), weight: 6 },
  { arbitrary: key.map((k): Op => ({ t: 'del', k })), weight: 3 },
  key.map((k): Op => ({ t: 'lb', k })),
  pos.map((i): Op => ({ t: 'at', i })),
  fc.tuple(pos, pos).map(([from, len]): Op => ({ t: 'iter', from, len })),
  fc.tuple(pos, pos).map(([from, len]): Op => ({ t: 'rev', from, len })),
);

function check(maxChunk: number, ops: Op[]): void {
  const list = new SortedList<Item>(cmp, maxChunk);
  const model: Item[] = [];
  let tag = 0;
  for (const o of ops) {
    switch (o.t) {
      case 'ins': {
        const it = { k: o.k, tag: tag++ };
        const i = model.findIndex((m) => m.k > o.k);
        model.splice(i < 0 ? model.length : i, 0, it);
        list.insert(it);
        break;
      }
      case 'del': {
        const i = model.findIndex((m) => m.k === o.k);
        if (i >= 0) model.splice(i, 1);
        expect(list.delete({ k: o.k, tag: -1 })).toBe(i >= 0);
        break;
      }
      case 'lb': {
        const i = model.findIndex((m) => m.k >= o.k);
        expect(list.firstWhere((m) => m.k >= o.k)).toBe(i < 0 ? model.length : i);
        break;
      }
      case 'at':
        expect(list.at(o.i)).toEqual(o.i < 0 ? undefined : model[o.i]);
        break;
      case 'iter': {
        const want = model.slice(Math.max(0, o.from), Math.max(0, o.from + o.len));
        expect([...list.values(o.from, o.from + o.len)]).toEqual(o.from + o.len <= 0 ? [] : want);
        break;
      }
      case 'rev': {
        const want = model.slice(Math.max(0, o.from), Math.max(0, o.from + o.len)).reverse();
        expect([...list.reversed(o.from, o.from + o.len)]).toEqual(o.from + o.len <= 0 ? [] : want);
        break;
      }
    }
    expect(list.size).toBe(model.length);
  }
  expect(list.toArray()).toEqual(model);
  expect([...list]).toEqual(model);
}

it('equals a plain sorted array under random operations (tiny chunks)', () => {
  fc.assert(fc.property(fc.integer({ min: 2, max: 6 }), fc.array(op, { maxLength: 200 }), check), { numRuns: 400 });
});

it('equals a plain sorted array with the default chunk size', () => {
  fc.assert(fc.property(fc.array(op, { maxLength: 300 }), (ops) => check(512, ops)), { numRuns: 100 });
});

it('keeps order over many appends, interleaved removals and a drain (chunk splits and merges)', () => {
  const list = new SortedList<number>((a, b) => a - b, 8);
  for (let i = 0; i < 1000; i++) list.insert(i);
  for (let i = 0; i < 1000; i += 3) expect(list.delete(i)).toBe(true);
  const left = Array.from({ length: 1000 }, (_, i) => i).filter((i) => i % 3);
  expect(list.toArray()).toEqual(left);
  expect(list.firstWhere((v) => v >= 500)).toBe(left.findIndex((v) => v >= 500));
  expect([...list.reversed(10, 20)]).toEqual(left.slice(10, 20).reverse());
  expect(list.delete(3)).toBe(false);
  for (const v of left) expect(list.delete(v)).toBe(true);
  expect(list.size).toBe(0);
  expect(list.toArray()).toEqual([]);
  expect(list.firstWhere(() => true)).toBe(0);
  expect([...list.values()]).toEqual([]);
});

it('refuses a chunk size below 2', () => {
  expect(() => new SortedList<number>((a, b) => a - b, 1)).toThrow('maxChunk');
});
