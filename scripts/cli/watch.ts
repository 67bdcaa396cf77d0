// Scripts (operator CLI): `campaigns watch <id>` — a live progress bar with rate and ETA from the campaign's
// counters (one document read per refresh), until the campaign is final or Ctrl-C; plain lines when not a TTY.
import type { CampaignStatus } from '../../core/campaigns/model';
import { progressOf, ZERO_COUNTERS } from '../../core/campaigns/stats';
import type { Database } from '../../adapters/db';
import { exactStats, loadCampaign, nextWait, type Out } from './commands';
import { progressLine, RateMeter, statsLines, when, type Wait } from './format';
import { quotaPauseLine } from './ops';

const FINAL: readonly CampaignStatus[] = ['completed', 'cancelled', 'quarantined'];

export interface WatchIo {
  /** Raw write (no newline added). */
  write(text: string): void;
  isTTY: boolean;
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Set by Ctrl-C. */
  stopped(): boolean;
}

export async function watchCommand(database: Database, id: string, intervalMs: number, io: WatchIo): Promise<CampaignStatus> {
  const meter = new RateMeter();
  const out: Out = (line) => io.write(`${line}\n`);
  let lastPlain = '';
  let lastPlainAt = -Infinity;
  let lastFinished = -1;
  for (;;) {
    const c = await loadCampaign(database, id);
    const p = progressOf(c.status, { ...ZERO_COUNTERS, ...c.counters });
    const finished = p.targeted - p.pending;
    const rate = meter.sample(io.now(), finished);
    // Nothing finished since the last refresh while some are pending: do they all wait on a later attempt?
    let wait: Wait | null = null;
    if (c.status === 'running' && p.pending > 0 && (lastFinished === -1 || finished === lastFinished)) {
      const w = await nextWait(database, id, io.now());
      if (w) wait = { retry: w.retry, at: `${when(w.at, c.zone)} ${c.zone}`, inMs: w.at - io.now() };
    }
    lastFinished = finished;
    const paused = FINAL.includes(c.status) ? null : await quotaPauseLine(database, io.now());
    const label = paused ?? (c.status === 'scheduled' && c.sendAt !== undefined ? `scheduled for ${when(c.sendAt, c.zone)} ${c.zone}` : c.status);
    const line = progressLine(label, p, rate, wait);
    if (io.isTTY) {
      io.write(`\r${line}\x1b[K`);
    } else {
      // Plain text (logs, CI): a line when the numbers change, and a heartbeat every 30 s.
      const key = `${c.status} ${p.targeted} ${p.pending} ${p.sent} ${wait ? 'wait' : ''}`;
      if (key !== lastPlain || io.now() - lastPlainAt >= 30_000) {
        out(line);
        lastPlain = key;
        lastPlainAt = io.now();
      }
    }
    if (FINAL.includes(c.status) || io.stopped()) {
      if (io.isTTY) io.write('\n');
      if (FINAL.includes(c.status)) {
        out(`${c.name} ${c.status}${c.quarantineReason ? ` (${c.quarantineReason})` : ''}`);
        for (const l of statsLines(await exactStats(database, id))) out(`  ${l}`);
      }
      return c.status;
    }
    await io.sleep(intervalMs);
    if (io.stopped()) {
      if (io.isTTY) io.write('\n');
      return c.status;
    }
  }
}
