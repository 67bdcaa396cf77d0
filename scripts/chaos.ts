// Scripts: `npm run chaos -- --seeds N [--from S] [--quiet]` — the send path under faults, seed after seed
// (scripts/chaos/scenario.ts), against the emulator with the real functions. Prints one line per seed and a summary;
// exits 1 if any invariant broke, listing the seed to rerun (`--from S --seeds 1`).
import { join } from 'node:path';
import { startEmulator } from '../emulator';
import { buildFunction, FUNCTIONS_DIR, listFunctions } from './build';
import { chaosSeed, summarise, type SeedReport } from './chaos/scenario';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} must be a whole number`);
  return v;
}

async function main(): Promise<void> {
  const seeds = arg('seeds', 20);
  const from = arg('from', 1);
  const quiet = process.argv.includes('--quiet');
  console.log(`chaos: building functions…`);
  for (const fn of listFunctions()) await buildFunction(join(FUNCTIONS_DIR, fn), { logLevel: 'error' });
  const emu = await startEmulator({ port: 0, quiet: true, timers: 'manual', functionsDir: FUNCTIONS_DIR, startAt: Date.parse('2026-05-01T00:00:00Z') });
  const reports: SeedReport[] = [];
  const t0 = Date.now();
  try {
    for (let seed = from; seed < from + seeds; seed++) {
      const r = await chaosSeed(emu, seed);
      reports.push(r);
      if (!quiet || r.violations.length) {
        const { violations, ...figures } = r;
        console.log(`seed ${seed}: ${violations.length ? `${violations.length} VIOLATIONS` : 'ok'} ${JSON.stringify(figures)}`);
        for (const line of violations.slice(0, 20)) console.log(`  ✗ ${line}`);
      }
    }
  } finally {
    await emu.stop();
  }
  const sum = summarise(reports);
  console.log(`chaos: ${JSON.stringify(sum)} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const bad = reports.filter((r) => r.violations.length).map((r) => r.seed);
  if (bad.length) {
    console.log(`chaos: invariants broken in seeds ${bad.join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
