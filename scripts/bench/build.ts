// Scripts (bench): builds the functions a benchmark runs — cloudfunctions/dispatch (the real bundle, as deployed)
// and the baselines (the tutorial loop, the competent parallel loop, the send-only ceiling) — into one temporary functions folder for the emulator.
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildFunction } from '../build';

const ROOT = resolve(__dirname, '..', '..');

export async function buildBenchFunctions(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tixing-bench-'));
  for (const [name, src] of [
    ['dispatch', join(ROOT, 'cloudfunctions', 'dispatch')],
    ['loop', join(ROOT, 'scripts', 'bench', 'functions', 'loop')],
    ['parallel', join(ROOT, 'scripts', 'bench', 'functions', 'parallel')],
    ['sendonly', join(ROOT, 'scripts', 'bench', 'functions', 'sendonly')],
  ] as const) {
    const out = join(dir, name);
    mkdirSync(out, { recursive: true });
    cpSync(join(src, 'config.json'), join(out, 'config.json'));
    await buildFunction(src, { outfile: join(out, 'index.js'), logLevel: 'error' });
  }
  return dir;
}
