// Scripts (operator CLI): pure text formatting — tables, progress bar, rate and ETA. No I/O, no clock.
import type { CampaignSummary, CampaignStats, Progress } from '../../core/campaigns/stats';
import { completion, total } from '../../core/campaigns/stats';
import { epochToLocal } from '../../core/campaigns/schedule';
import { OUTCOME_LABELS as L } from '../../core/outcomes';

const n = (x: number): string => x.toLocaleString('en-US');

/** Display width: CJK and other wide characters take two columns. */
export function width(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/u.test(ch) ? 2 : 1;
  return w;
}
const pad = (s: string, w: number): string => s + ' '.repeat(Math.max(0, w - width(s)));

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function when(ms: number | null | undefined, zone: string): string {
  return ms === null || ms === undefined ? '-' : epochToLocal(ms, zone);
}

export function campaignsTable(list: readonly CampaignSummary[]): string {
  if (list.length === 0) return 'no campaigns';
  const rows = list.map((c) => [
    c.id,
    c.name,
    c.status,
    c.sendAt === null ? '-' : `${when(c.sendAt, c.zone)} ${c.zone}`,
    `${n(c.progress.sent)}/${n(c.progress.targeted)}`,
    n(c.progress.skipped),
    n(c.progress.failed),
    n(c.progress.unknown),
    n(c.progress.pending),
    n(c.opened),
  ]);
  return table(['ID', 'NAME', 'STATUS', 'SEND AT', ...(['sent', 'skipped', 'failed', 'unknown', 'pending', 'opened'] as const).map((k) => L[k].en.toUpperCase())], rows);
}

const breakdown = (rec: Readonly<Record<string, number>>): string =>
  Object.keys(rec).length === 0 ? '' : ` (${Object.entries(rec).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${n(v)}`).join(', ')})`;

export function statsLines(s: CampaignStats): string[] {
  const k = (key: keyof typeof L) => L[key].en.padEnd(10);
  return [
    `${k('targeted')}${n(s.targeted)}`,
    `${k('sent')}${n(s.sent)}`,
    `${k('skipped')}${n(total(s.skipped))}${breakdown(s.skipped)}`,
    `${k('failed')}${n(total(s.failed))}${breakdown(s.failed)}`,
    `${k('unknown')}${n(s.unknown)}`,
    `${k('pending')}${n(s.pending)}`,
    `${k('cancelled')}${n(s.cancelled)}`,
    `${k('opened')}${n(s.opened)}${s.sent > 0 ? ` (${((100 * s.opened) / s.sent).toFixed(1)}% of sent)` : ''}`,
  ];
}

export function bar(fraction: number, cells = 30): string {
  const f = Math.max(0, Math.min(1, fraction));
  const full = Math.round(f * cells);
  return `[${'█'.repeat(full)}${'░'.repeat(cells - full)}]`;
}

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Messages finished per second, smoothed (EWMA over refreshes), from samples of (time, finished count). */
export class RateMeter {
  private last: { at: number; done: number } | null = null;
  private rate: number | null = null;
  constructor(private readonly alpha = 0.4) {}

  sample(at: number, done: number): number | null {
    if (this.last && at > this.last.at) {
      const instant = Math.max(0, done - this.last.done) / ((at - this.last.at) / 1000);
      this.rate = this.rate === null ? instant : this.alpha * instant + (1 - this.alpha) * this.rate;
    }
    if (!this.last || at > this.last.at) this.last = { at, done };
    return this.rate;
  }
}

/** What the pending deliveries wait for when none can move now: `at` as local text, `inMs` from now. */
export interface Wait {
  retry: boolean;
  at: string;
  inMs: number;
}

/**
 * One progress line. With `wait` (nothing can move before then), the ETA is replaced by what the last deliveries
 * wait on — a retry's backoff would otherwise read "ETA 0s" and then jump to minutes.
 */
export function progressLine(status: string, p: Progress, rate: number | null, wait?: Wait | null): string {
  const f = completion(p);
  const finished = p.targeted - p.pending;
  const eta = wait
    ? `${wait.retry ? 'waiting on a retry' : 'waiting'}, next at ${wait.at} (in ${duration(wait.inMs / 1000)})`
    : `ETA ${rate && rate > 0 ? duration(p.pending / rate) : '--'}`;
  const r = rate === null ? '-' : `${rate >= 10 ? rate.toFixed(0) : rate.toFixed(1)}/s`;
  const counts = (['sent', 'skipped', 'failed', 'unknown'] as const).map((o) => `${L[o].en} ${n(p[o])}`);
  if (p.cancelled > 0) counts.push(`${L.cancelled.en} ${n(p.cancelled)}`);
  return `${bar(f)} ${(f * 100).toFixed(0).padStart(3)}%  ${n(finished)}/${n(p.targeted)}  ${counts.join(' ')}  ${r}  ${eta}  ${status}`;
}
