// Dispatch end to end under chaos (scripts/chaos/scenario.ts), CI-sized: several runs at once, kills at request
// boundaries and after a time (also while sends await WeChat), -1 / timeouts / latency, users accepting mid-run,
// power users with > 16 grants and many reminders, capped campaigns, reminders and campaigns due together.
// Invariants (each seed): every delivery final, no hold left; no message twice in an inbox; WeChat's count − the
// ledger = the ambiguous sends that never arrived; caps kept; campaign stats = inboxes. The long run is
// `npm run chaos -- --seeds 200`.
import { useEmulator } from '../support/emulator';
import { chaosSeed, summarise, type SeedReport } from '../../scripts/chaos/scenario';

const h = useEmulator();
const SEEDS = Number(process.env.CHAOS_SEEDS ?? 8);

it(`keeps every invariant over ${SEEDS} seeds`, async () => {
  const reports: SeedReport[] = [];
  for (let seed = 1001; seed < 1001 + SEEDS; seed++) {
    const r = await chaosSeed(h.emu, seed);
    reports.push(r);
    expect({ seed, violations: r.violations }).toEqual({ seed, violations: [] });
  }
  const sum = summarise(reports);
  console.log(`chaos: ${JSON.stringify(sum)}`);
  // The scenario really exercised the faults it is about.
  expect(sum.killed).toBeGreaterThan(0);
  expect(sum.accepts).toBeGreaterThan(0);
  expect(sum.unknownArrived + sum.unknownLost).toBeGreaterThan(0);
  expect(sum.sent).toBeGreaterThan(sum.deliveries / 3);
}, 15 * 60_000);
