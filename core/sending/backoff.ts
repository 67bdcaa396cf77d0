// Core layer (pure): when to retry a retryable send — exponential backoff with jitter, bounded attempts.
// Shared by the sender pipeline and the dispatcher; randomness is injected so tests are deterministic.

export interface RetryPolicy {
  /** Total attempts allowed, the first included. */
  maxAttempts: number;
  /** Delay after the first failed attempt, before jitter. */
  baseMs: number;
  factor: number;
  /** Upper bound of one delay, before jitter. */
  maxDelayMs: number;
}

/**
 * The one retry policy of every send (inline sends hand their retries to the dispatcher, which keeps counting):
 * 15 s, 30 s, 60 s, … capped at 10 min (each jittered into [d/2, d]); the 8th failure is final, so a 20 % error rate
 * loses a message with probability 0.2^8 ≈ 3·10⁻⁶.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseMs: 15_000, factor: 2, maxDelayMs: 10 * 60_000 };

/**
 * After `attempts` attempts (≥ 1) failed with a retryable outcome at `now`: retry or give up, and when.
 * "Equal jitter": delay d = min(max, base·factorⁿ⁻¹), wait d/2 + random()·d/2, so retries of many deliveries that
 * failed together (e.g. -1 during an outage) spread out but never come back sooner than d/2.
 */
export function nextAttempt(
  attempts: number,
  now: number,
  random: () => number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): { retry: boolean; at: number } {
  if (!Number.isFinite(attempts) || attempts < 1 || attempts >= policy.maxAttempts) return { retry: false, at: now };
  const d = Math.min(policy.maxDelayMs, policy.baseMs * policy.factor ** (attempts - 1));
  const r = Math.min(1, Math.max(0, random()));
  return { retry: true, at: now + Math.round(d / 2 + (r * d) / 2) };
}
