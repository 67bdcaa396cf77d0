// Unit: exponential backoff with equal jitter, bounded attempts, deterministic with a seeded random.
import fc from 'fast-check';
import { DEFAULT_RETRY_POLICY, nextAttempt } from '../../core/sending/backoff';
import { seededRandom } from '../support/random';
import { T0 } from './fakes';

describe('nextAttempt', () => {
  it('doubles the delay from 15 s, jittered into [d/2, d]', () => {
    expect(nextAttempt(1, T0, () => 0)).toEqual({ retry: true, at: T0 + 7_500 });
    expect(nextAttempt(1, T0, () => 0.999999).at).toBe(T0 + 15_000);
    expect(nextAttempt(2, T0, () => 0).at).toBe(T0 + 15_000);
    expect(nextAttempt(4, T0, () => 1)).toEqual({ retry: true, at: T0 + 120_000 });
  });

  it('gives up after maxAttempts attempts', () => {
    expect(nextAttempt(DEFAULT_RETRY_POLICY.maxAttempts, T0, () => 0.5)).toEqual({ retry: false, at: T0 });
    expect(nextAttempt(99, T0, () => 0.5).retry).toBe(false);
    expect(nextAttempt(0, T0, () => 0.5).retry).toBe(false);
  });

  it('caps one delay at maxDelayMs', () => {
    const policy = { maxAttempts: 50, baseMs: 1000, factor: 3, maxDelayMs: 60_000 };
    expect(nextAttempt(30, T0, () => 1, policy).at).toBe(T0 + 60_000);
  });

  it('property: always in the future, within [d/2, d], deterministic for a seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, r) => {
        const d = 15_000 * 2 ** (n - 1);
        const { retry, at } = nextAttempt(n, T0, () => r);
        return retry && at - T0 >= d / 2 && at - T0 <= d;
      }),
      { seed: 3, numRuns: 300 },
    );
    const a = seededRandom(5);
    const b = seededRandom(5);
    expect([1, 2, 3].map((n) => nextAttempt(n, T0, a).at)).toEqual([1, 2, 3].map((n) => nextAttempt(n, T0, b).at));
  });
});
