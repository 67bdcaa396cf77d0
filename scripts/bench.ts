// Scripts: `npm run bench` — Tixing's dispatcher vs the tutorial loop through the real wx-server-sdk and the
// emulator, at a fixed simulated WeChat latency. Options: --n 10000 --big 100000 (0 = skip) --latency 100
// --loop-sample 200 (the loop is measured on a sample and extrapolated: it is sequential, so its rate does not
// depend on the audience size) --period 10000 (timer period in ms) --window 10000 (the big audience is measured on
// its first `window` messages, so the bench stays within minutes; 0 = the whole campaign).
// The emulator answers queries through the indexes declared in config/indexes.json (as CloudBase does), falling
// back to a scan only where no index applies, so the batch time at 100k vs 10k reflects the dispatcher's queries.
import { rmSync } from 'node:fs';
import { startEmulator } from '../emulator';
import { buildBenchFunctions } from './bench/build';
import { measureDispatcher, measureLoop, type Measure } from './bench/run';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a number >= 0`);
  return v;
}

function row(m: Measure): string {
  const batch = m.msPerBatch === undefined ? '' : `  ${m.msPerBatch.toFixed(0).padStart(6)} ms/batch of 100`;
  return `${m.label.padEnd(34)} ${String(m.recipients).padStart(7)} recipients  ${String(m.sent).padStart(7)} sent  ${m.seconds.toFixed(1).padStart(7)} s  ${m.perSecond.toFixed(1).padStart(7)} msg/s  ${m.roundTripsPerMessage.toFixed(3)} db round trips/msg${batch}${m.runs ? `  (${m.runs} timer runs)` : ''}`;
}

async function main(): Promise<void> {
  const n = arg('n', 10_000);
  const big = arg('big', 100_000);
  const latency = arg('latency', 100);
  const sample = arg('loop-sample', 200);
  const period = arg('period', 10_000);
  const window = arg('window', 10_000);
  console.log(`bench: WeChat latency ${latency} ms fixed; dispatcher timer every ${period / 1000} s (timeout 60 s); building functions…`);
  const functionsDir = await buildBenchFunctions();
  const emu = await startEmulator({
    port: 0, quiet: true, timers: 'manual', functionsDir,
    functionsConfig: { dispatch: { timeoutSec: 60 }, loop: { timeoutSec: 900 } },
    faults: { latency: { fixedMs: latency } },
  });
  try {
    const loop = await measureLoop(emu, sample);
    console.log(row(loop));
    await emu.reset();
    const d10 = await measureDispatcher(emu, n, period, 'Tixing dispatcher');
    console.log(row(d10));
    let d100: Measure | undefined;
    if (big > 0) {
      await emu.reset();
      d100 = await measureDispatcher(emu, big, period, 'Tixing dispatcher', window > 0 && window < big ? window : undefined);
      console.log(row(d100));
    }
    const loopAtN = n / loop.perSecond;
    console.log('');
    console.log(`loop at ${n} recipients (extrapolated from ${loop.sent}): ${(loopAtN / 60).toFixed(1)} min; dispatcher: ${(d10.seconds / 60).toFixed(1)} min`);
    console.log(`speed-up: ${(d10.perSecond / loop.perSecond).toFixed(1)}× the loop (target ≥ 20×)`);
    console.log(`database round trips per delivered message: dispatcher ${d10.roundTripsPerMessage.toFixed(3)} (target ≤ 1.2), loop ${loop.roundTripsPerMessage.toFixed(3)}`);
    if (d100) {
      console.log(`time per batch of 100: ${d10.msPerBatch!.toFixed(0)} ms at ${n} vs ${d100.msPerBatch!.toFixed(0)} ms at ${big}: ${(d100.msPerBatch! / d10.msPerBatch!).toFixed(2)}× (target ≤ 1.3×)`);
    }
  } finally {
    await emu.stop();
    rmSync(functionsDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
