// End to end (emulator + real wx-server-sdk): consent retention enforced by the dispatcher's janitor run, not only
// on write — entries older than `consent.retentionDays` are removed although nothing is written, at most once per
// janitor period, a bounded page per run (the rest in later runs), idempotently; the idle cost stays one read.
import { HOUSEKEEPING_PAGE } from '../../adapters/ops';
import { retentionDays } from '../../adapters/stores/consent-log';
import { DEFAULT_DISPATCH_CONFIG } from '../../core/dispatch/config';
import { createCollections, dispatchRuns } from '../dispatch/support';
import { useEmulator } from '../support/emulator';

const h = useEmulator();
const DAY = 86_400_000;
const JANITOR = DEFAULT_DISPATCH_CONFIG.janitorMs;

beforeEach(async () => {
  await h.emu.reset();
  createCollections(h.emu);
});

/** `n` consent entries of `openid` written `ageMs` ago (as subscriptions.record writes them). */
function entries(openid: string, n: number, ageMs: number): void {
  const at = h.emu.now() - ageMs;
  h.emu.db.insert('consent_log', Array.from({ length: n }, (_, i) => ({
    _id: `c:${openid}:${i}`, openid, templateId: 'TPL_EVENT_REMINDER', result: 'accept', placement: null, source: 'client', ledger: 'none', at: at + i,
  })));
}
const count = (openid: string) => h.emu.db.find('consent_log', { openid }).length;
const state = () => h.emu.db.find('ops_state', { _id: 'dispatch' })[0] as { housekeptAt?: number } | undefined;

it('entries past the retention are purged by the janitor run with nothing written; within the retention they stay', async () => {
  const retention = retentionDays() * DAY;
  entries('o-old', 3, retention + DAY);
  entries('o-new', 2, retention - DAY);
  // The first run (no wake state yet) is a full run: the housekeeping is due.
  const t0 = h.emu.now();
  const [first] = await dispatchRuns(h.emu);
  expect(first?.ok).toBe(true);
  expect(count('o-old')).toBe(0);
  expect(count('o-new')).toBe(2);
  expect(state()?.housekeptAt).toBeGreaterThanOrEqual(t0);

  // Two days later the o-new entries are past the retention. Only the timer runs (heartbeats every 10 minutes; the
  // wake state forces a full run every janitorMs): they are gone within one janitor period, with no write by anyone.
  h.emu.clock.advance(2 * DAY);
  const writesBefore = h.emu.invocations().filter((i) => i.fn !== 'dispatch').length;
  await h.emu.advance(JANITOR + 20 * 60_000);
  expect(h.emu.invocations().filter((i) => i.fn !== 'dispatch').length).toBe(writesBefore);
  expect(count('o-new')).toBe(0);
});

it('at most once per janitor period, a bounded page per run, the rest in later runs; idempotent', async () => {
  const old = retentionDays() * DAY + DAY;
  await dispatchRuns(h.emu); // housekeeping done now: not due again for janitorMs
  const done = state()?.housekeptAt;
  entries('o-bulk', HOUSEKEEPING_PAGE + 200, old);
  h.emu.clock.advance(60_000);
  // Work is due (the wake state is lowered), but the housekeeping is not: nothing removed.
  h.emu.db.replace('tixing_state', { ...(h.emu.db.find('tixing_state', { _id: 'dispatch' })[0] ?? { _id: 'dispatch', rev: 0 }), nextDueAt: 0 });
  await dispatchRuns(h.emu);
  expect(count('o-bulk')).toBe(HOUSEKEEPING_PAGE + 200);
  expect(state()?.housekeptAt).toBe(done);

  h.emu.clock.advance(JANITOR);
  const [r1] = await dispatchRuns(h.emu);
  expect(r1?.ok).toBe(true);
  expect(count('o-bulk')).toBe(200); // one page
  expect(state()?.housekeptAt).toBe(done); // more was left: still due
  h.emu.db.replace('tixing_state', { ...h.emu.db.find('tixing_state', { _id: 'dispatch' })[0]!, nextDueAt: 0 });
  const t1 = h.emu.now();
  await dispatchRuns(h.emu);
  expect(count('o-bulk')).toBe(0);
  expect(state()?.housekeptAt).toBeGreaterThanOrEqual(t1);
  // Again: nothing to do, nothing changes.
  h.emu.clock.advance(JANITOR);
  await dispatchRuns(h.emu);
  expect(count('o-bulk')).toBe(0);
});
