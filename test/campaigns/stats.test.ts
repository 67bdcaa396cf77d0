// Unit (core): folding grouped deliveries into stats; progress from counters.
import { completion, foldStats, progressOf } from '../../core/campaigns/stats';

describe('campaign stats', () => {
  it('folds groups by status, reason and errcode', () => {
    const s = foldStats(
      [
        { status: 'sent', n: 10 },
        { status: 'skipped', reason: 'no_grant', n: 3 },
        { status: 'skipped', reason: 'frequency_cap', n: 1 },
        { status: 'skipped', reason: 'no_grant', n: 2 },
        { status: 'failed', errCode: 40003, n: 1 },
        { status: 'failed', errCode: null, n: 1 },
        { status: 'unknown', n: 2 },
        { status: 'pending', n: 4 },
        { status: 'sending', n: 1 },
        { status: 'cancelled', n: 5 },
      ],
      6,
    );
    expect(s).toEqual({
      targeted: 30,
      sent: 10,
      skipped: { no_grant: 5, frequency_cap: 1 },
      failed: { '40003': 1, unknown: 1 },
      unknown: 2,
      opened: 6,
      receipts: { delivered: 0, failed: 0, awaiting: 10 },
      pending: 5,
      cancelled: 5,
    });
  });

  it('counts sent messages by their joined receipt: delivered, failed after acceptance, awaiting', () => {
    const s = foldStats(
      [
        { status: 'sent', receipt: 'delivered', n: 7 },
        { status: 'sent', receipt: 'failed', n: 2 },
        { status: 'sent', receipt: null, n: 1 },
        { status: 'failed', errCode: 43101, n: 4 },
      ],
      0,
    );
    expect(s.sent).toBe(10);
    expect(s.receipts).toEqual({ delivered: 7, failed: 2, awaiting: 1 });
    // A failure after acceptance is not a send failure: it stays in `sent`, apart from WeChat's refusals.
    expect(s.failed).toEqual({ '43101': 4 });
  });

  it('derives progress from counters; final campaigns have nothing pending', () => {
    const counters = { targeted: 100, sent: 60, skipped: 10, failed: 3, unknown: 2, opened: 9 };
    const running = progressOf('running', counters);
    // failed and unknown apart, as everywhere (core/outcomes.ts): the list once showed 失败 5 where the detail had 3 + 2.
    expect(running).toEqual({ targeted: 100, sent: 60, skipped: 10, failed: 3, unknown: 2, cancelled: 0, pending: 25 });
    expect(completion(running)).toBeCloseTo(0.75);
    expect(progressOf('cancelled', counters)).toMatchObject({ pending: 0, cancelled: 25 });
    expect(progressOf('completed', counters)).toMatchObject({ pending: 0, cancelled: 0 });
    expect(completion(progressOf('scheduled', { ...counters, targeted: 0, sent: 0, skipped: 0, failed: 0, unknown: 0 }))).toBe(0);
  });
});
