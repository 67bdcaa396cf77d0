// Scripts: measures whether inlining wx-server-sdk into each function bundle beats installing it in the cloud:
// bundle size, and `require` time of the bundle vs the same function with wx-server-sdk left external (median of N
// fresh node processes, interleaved) — wall time, and CPU time (what a shared, loaded machine does not distort).
// The bundle is built as `npm run build` builds it (lazy requires of SDK parts no function uses, scripts/build.ts).
// Usage: npx tsx scripts/measure-bundle.ts [--runs 11] [--fn dispatch]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildFunction, FUNCTIONS_DIR, ROOT } from './build';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}

/** Bytes and package count of wx-server-sdk's whole dependency tree, walked through package-lock.json. */
function sdkInstallFootprint(): { bytes: number; packages: number } {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }>;
  };
  const seen = new Set<string>();
  const resolveDep = (from: string, name: string): string | null => {
    for (let dir = from; ; ) {
      const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
      if (lock.packages[candidate]) return candidate;
      if (!dir) return null;
      const i = dir.lastIndexOf('/node_modules/');
      dir = i < 0 ? '' : dir.slice(0, i);
    }
  };
  const walk = (path: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    const entry = lock.packages[path] ?? {};
    for (const name of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
      const dep = resolveDep(path, name);
      if (dep) walk(dep);
    }
  };
  walk('node_modules/wx-server-sdk');
  const du = execFileSync('du', ['-sb', '--exclude=node_modules', ...[...seen].map((p) => join(ROOT, p))]).toString();
  const bytes = du.split('\n').reduce((sum, line) => sum + (Number(line.split('\t')[0]) || 0), 0);
  return { bytes, packages: seen.size };
}

/** Wall and CPU milliseconds of one `require` in a fresh node process. */
function requireMs(file: string): { wall: number; cpu: number } {
  const code = `const t=process.hrtime.bigint(),c=process.cpuUsage();require(${JSON.stringify(file)});const d=process.cpuUsage(c);process.stdout.write(JSON.stringify({wall:Number(process.hrtime.bigint()-t)/1e6,cpu:(d.user+d.system)/1e3}))`;
  return JSON.parse(execFileSync(process.execPath, ['-e', code], { env: { ...process.env, TENCENTCLOUD_RUNENV: 'SCF', SCF_NAMESPACE: 'tixing-local', TENCENTCLOUD_REGION: 'ap-shanghai' } }).toString()) as { wall: number; cpu: number };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

async function main(): Promise<void> {
  const runs = Number(arg('runs', '11'));
  const fn = arg('fn', 'dispatch');
  const work = mkdtempSync(join(tmpdir(), 'tixing-bundle-'));
  const fnDir = join(FUNCTIONS_DIR, fn);
  const bundled = join(work, 'bundled.js');
  const external = join(work, 'external', 'index.js');
  // node_modules beside the unbundled output, as the cloud's "install dependencies" would provide it.
  execFileSync('mkdir', ['-p', join(work, 'external')]);
  symlinkSync(join(ROOT, 'node_modules'), join(work, 'external', 'node_modules'));
  await buildFunction(fnDir, { outfile: bundled });
  await buildFunction(fnDir, { outfile: external, external: ['wx-server-sdk'] });
  const sdkInstall = sdkInstallFootprint();
  const samples = { bundled: [] as { wall: number; cpu: number }[], external: [] as { wall: number; cpu: number }[], sdkOnly: [] as { wall: number; cpu: number }[] };
  for (let i = 0; i < runs; i++) {
    samples.bundled.push(requireMs(bundled));
    samples.external.push(requireMs(external));
    samples.sdkOnly.push(requireMs(join(ROOT, 'node_modules', 'wx-server-sdk')));
  }
  const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  const of = (xs: { wall: number; cpu: number }[], k: 'wall' | 'cpu') => median(xs.map((x) => x[k]));
  const b = of(samples.bundled, 'wall');
  const e = of(samples.external, 'wall');
  console.log(`function: ${fn}, ${runs} runs each, interleaved, fresh node process per sample`);
  console.log(`bundle (wx-server-sdk inlined): ${kib(statSync(bundled).size)} (${kib(gzipSync(readFileSync(bundled)).length)} gzip)`);
  console.log(`unbundled (wx-server-sdk external): ${kib(statSync(external).size)} + wx-server-sdk & @cloudbase in node_modules = ${sdkInstall.packages} packages, ${(sdkInstall.bytes / 1048576).toFixed(1)} MiB installed`);
  console.log(`require median, wall: bundled ${b.toFixed(0)} ms, unbundled ${e.toFixed(0)} ms, wx-server-sdk alone ${of(samples.sdkOnly, 'wall').toFixed(0)} ms`);
  const bc = of(samples.bundled, 'cpu');
  const ec = of(samples.external, 'cpu');
  console.log(`require median, CPU: bundled ${bc.toFixed(0)} ms, unbundled ${ec.toFixed(0)} ms, wx-server-sdk alone ${of(samples.sdkOnly, 'cpu').toFixed(0)} ms`);
  console.log(`bundled/unbundled: ${(b / e).toFixed(2)}× wall, ${(bc / ec).toFixed(2)}× CPU (target ≤ 0.5×)`);
  rmSync(work, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
