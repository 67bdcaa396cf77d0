// Unit: one outcome vocabulary — the mini program's and the emulator console's copies of core/outcomes.ts say the
// same thing (they cannot import core at run time), and every surface counts failed and unknown apart.
import { FUNNEL_STAGES, OUTCOME_LABELS, OUTCOMES } from '../../core/outcomes';
import { FINAL_STATUSES } from '../../core/delivery';
import { OUTCOME_LABELS as CONSOLE_LABELS, OUTCOMES as CONSOLE_CHART } from '../../emulator/console/view';
import * as mp from '../../miniprogram/lib/outcomes';
import { campaignRows, statsView } from '../../miniprogram/lib/campaign-view';
import { campaignsTable, progressLine, statsLines } from '../../scripts/cli/format';
import { progressOf, summarise, foldStats } from '../../core/campaigns/stats';
import type { Campaign } from '../../core/campaigns/model';

describe('one outcome vocabulary', () => {
  it('the copies agree with core', () => {
    expect(mp.OUTCOMES).toEqual(OUTCOMES);
    expect(mp.FUNNEL_STAGES).toEqual(FUNNEL_STAGES);
    const zh = Object.fromEntries(Object.entries(OUTCOME_LABELS).map(([k, v]) => [k, v.zh]));
    expect(mp.OUTCOME_TEXT).toEqual(zh);
    expect(Object.keys(CONSOLE_LABELS)).toEqual([...OUTCOMES]);
    for (const o of OUTCOMES) expect(CONSOLE_LABELS[o]).toBe(OUTCOME_LABELS[o].en);
    for (const o of CONSOLE_CHART) expect(OUTCOMES).toContain(o);
    // Every final delivery status is an outcome of its own.
    for (const s of FINAL_STATUSES) expect(OUTCOMES).toContain(s);
  });

  it('the CLI line, the list and the detail show the same numbers under the same names', () => {
    // The case a user saw: 9 sends whose result is unknown, none refused by WeChat.
    const counters = { targeted: 20, sent: 11, skipped: 0, failed: 0, unknown: 9, opened: 0 };
    const c = { _id: 'c1', name: 'x', templateId: 't', status: 'completed', zone: 'Asia/Shanghai', counters, updatedAt: 1 } as unknown as Campaign;
    const summary = summarise(c);
    const row = campaignRows([summary])[0]!;
    expect(row.countsText).toContain('结果未知 9');
    expect(row.countsText).toContain('发送失败 0');
    const detail = statsView(foldStats([{ status: 'sent', n: 11 }, { status: 'unknown', n: 9 }], 0));
    expect(detail.totals).toEqual(expect.arrayContaining([{ label: '结果未知', value: 9 }, { label: '发送失败', value: 0 }]));
    const line = progressLine('completed', progressOf('completed', counters), null);
    expect(line).toContain('failed 0 unknown 9');
    expect(campaignsTable([summary]).split('\n')[0]).toMatch(/FAILED\s+UNKNOWN/);
    expect(statsLines(foldStats([{ status: 'unknown', n: 9 }], 0)).join('\n')).toMatch(/unknown\s+9/);
  });
});
