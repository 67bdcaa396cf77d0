// Unit (emulator/db/ejson.ts ejsonEqual): the fast comparison updates use must agree with comparing canonical EJSON
// strings — on hand-picked edge cases and on many random documents (a seeded generator, so a failure reproduces).
import { ObjectId } from 'bson';
import { ejsonEqual, encodeEJSON } from '../../../emulator/db/ejson';

const same = (a: unknown, b: unknown): boolean => encodeEJSON({ v: a }) === encodeEJSON({ v: b });

const CASES: [unknown, unknown][] = [
  [0, -0], [NaN, NaN], [1, 1.0], [1, '1'], [null, undefined], [[undefined], [null]], [[], [null]],
  [{ a: 1, b: undefined }, { a: 1 }], [{ a: 1, b: 2 }, { b: 2, a: 1 }], [{ a: () => 1 }, {}],
  [new Date(5), new Date(5)], [new Date(5), new Date(6)], [new Date(5), 5], [new Date(NaN), new Date(NaN)],
  [new ObjectId('64b7f0000000000000000001'), new ObjectId('64b7f0000000000000000001')],
  [new ObjectId('64b7f0000000000000000001'), new ObjectId('64b7f0000000000000000002')],
  [new ObjectId('64b7f0000000000000000001'), '64b7f0000000000000000001'],
  [{ x: [1, { y: [2, 3] }] }, { x: [1, { y: [2, 3] }] }], [{ x: [1, { y: [2, 3] }] }, { x: [1, { y: [3, 2] }] }],
  [2 ** 40, 2 ** 40], [2 ** 40, 2 ** 40 + 1], [0.1 + 0.2, 0.3], [true, 1], ['', null],
];

it.each(CASES.map((c, i) => [i, ...c]))('case %i agrees with the EJSON strings', (_i, a, b) => {
  expect(ejsonEqual(a, b)).toBe(same(a, b));
  expect(ejsonEqual(b, a)).toBe(same(b, a));
});

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function value(r: () => number, depth: number): unknown {
  const pick = Math.floor(r() * (depth > 2 ? 8 : 11));
  const atoms: unknown[] = [0, -0, 1, 1.5, NaN, 'a', 'b', '', true, false, null, undefined, new Date(Math.floor(r() * 3))];
  if (pick < 8) return atoms[Math.floor(r() * atoms.length)];
  if (pick === 8) return Array.from({ length: Math.floor(r() * 3) }, () => value(r, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = 0; i < Math.floor(r() * 3); i++) o[['a', 'b', 'c'][Math.floor(r() * 3)]!] = value(r, depth + 1);
  return o;
}

it('agrees with the EJSON strings on 20,000 random pairs (near-equal pairs included)', () => {
  const r = rng(42);
  let equal = 0;
  for (let i = 0; i < 20_000; i++) {
    const a = value(r, 0);
    // Half the pairs are a value against a slightly changed copy of itself, so equal answers are common too.
    const b = r() < 0.5 ? value(r, 0) : JSON.parse(JSON.stringify({ v: a }) ?? '{}').v;
    const want = same(a, b);
    if (want) equal += 1;
    if (ejsonEqual(a, b) !== want) throw new Error(`disagree on ${String(encodeEJSON({ a }))} vs ${String(encodeEJSON({ b }))}`);
  }
  expect(equal).toBeGreaterThan(1000);
});
