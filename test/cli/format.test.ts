// Unit (scripts/cli): progress bar, rate/ETA and tables with wide (Chinese) text, on fixed sample times.
import { bar, duration, progressLine, RateMeter, table, width } from '../../scripts/cli/format';

describe('CLI formatting', () => {
  it('draws a bar and durations', () => {
    expect(bar(0, 10)).toBe('[░░░░░░░░░░]');
    expect(bar(0.5, 10)).toBe('[█████░░░░░]');
    expect(bar(2, 4)).toBe('[████]');
    expect([duration(5), duration(125), duration(7260), duration(Infinity)]).toEqual(['5s', '2m05s', '2h01m', '--']);
  });

  it('smooths the rate across samples and derives the ETA from it', () => {
    const m = new RateMeter(0.5);
    expect(m.sample(0, 0)).toBeNull();
    expect(m.sample(2_000, 200)).toBe(100); // 200 in 2 s
    expect(m.sample(4_000, 300)).toBe(75); // instant 50, EWMA 0.5
    expect(m.sample(4_000, 999)).toBe(75); // same instant: ignored
    const line = progressLine('running', { targeted: 1000, sent: 280, skipped: 15, failed: 3, unknown: 2, cancelled: 0, pending: 700 }, 70);
    expect(line).toMatch(/^\[█{9}░{21}\]\s+30%\s+300\/1,000\s+sent 280 skipped 15 failed 3 unknown 2\s+70\/s\s+ETA 10s\s+running$/);
    expect(progressLine('scheduled', { targeted: 0, sent: 0, skipped: 0, failed: 0, unknown: 0, cancelled: 0, pending: 0 }, null)).toContain('-  ETA --  scheduled');
  });

  it('aligns tables containing Chinese text by display width', () => {
    expect(width('读书会ab')).toBe(8);
    const t = table(['ID', 'NAME', 'N'], [['c1', '五一读书会', '1'], ['c22', 'x', '10']]).split('\n');
    expect(t).toEqual(['ID   NAME        N', 'c1   五一读书会  1', 'c22  x           10']);
  });
});
