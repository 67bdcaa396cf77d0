// Test support: one seeded random generator for every test (fault injection, kill points, fakes' `random` port),
// so a failing seed reproduces exactly. mulberry32: 32-bit state, uniform in [0, 1), fast, not cryptographic.

export type Random = () => number;

/** Deterministic [0, 1) sequence for `seed` (mulberry32): the same seed gives the same numbers on every run. */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** mulberry32 with the tests' usual default seed. */
export const seededRandom = (seed = 42): Random => mulberry32(seed);

/** A whole number in [min, max] (both included). */
export function int(random: Random, min: number, max: number): number {
  if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) throw new Error(`int: bad range [${min}, ${max}]`);
  return min + Math.floor(random() * (max - min + 1));
}

/** One element of a non-empty list. */
export function pick<T>(random: Random, list: readonly T[]): T {
  if (list.length === 0) throw new Error('pick: empty list');
  return list[int(random, 0, list.length - 1)] as T;
}
