// Test support: builds fixture cloud functions (test/fixtures/functions/<fn>/src/index.ts + config.json) with
// esbuild exactly like scripts/build.ts (CommonJS, node16, wx-server-sdk inlined) into a cached temp folder.
import { buildSync } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const FIXTURES_DIR = resolve(__dirname, '..', 'fixtures', 'functions');
/** Repository code a fixture may import (e.g. the typed notify client): part of the cache key too. */
const SHARED_DIRS = ['client', 'core'].map((d) => resolve(__dirname, '..', '..', d));

/**
 * Builds the named fixtures (default: all) into `<tmp>/tixing-fixtures-<hash>/<fn>/{index.js,config.json}` and
 * returns that folder (use it as `functionsDir`). Cached: rebuilt only when a fixture's sources, or the repository
 * code fixtures import (client/, core/), change.
 */
export function buildFixtureFunctions(names?: string[]): string {
  const all = readdirSync(FIXTURES_DIR).filter((n) => existsSync(join(FIXTURES_DIR, n, 'src', 'index.ts')));
  const fns = (names ?? all).slice().sort();
  const hash = createHash('sha256');
  for (const fn of fns) {
    for (const file of sourceFiles(join(FIXTURES_DIR, fn))) hash.update(file).update(readFileSync(file));
  }
  for (const dir of SHARED_DIRS) if (existsSync(dir)) for (const file of sourceFiles(dir)) hash.update(file).update(readFileSync(file));
  const out = join(tmpdir(), `tixing-fixtures-${process.getuid?.() ?? 'u'}`, hash.digest('hex').slice(0, 16));
  if (existsSync(join(out, '.complete'))) return out;
  // Parallel jest workers may build the same set: build privately, then rename into place.
  const tmp = `${out}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  for (const fn of fns) {
    const src = join(FIXTURES_DIR, fn);
    mkdirSync(join(tmp, fn), { recursive: true });
    buildSync({
      entryPoints: [join(src, 'src', 'index.ts')],
      outfile: join(tmp, fn, 'index.js'),
      bundle: true,
      platform: 'node',
      target: 'node16',
      format: 'cjs',
      logLevel: 'error',
    });
    if (existsSync(join(src, 'config.json'))) copyFileSync(join(src, 'config.json'), join(tmp, fn, 'config.json'));
  }
  writeFileSync(join(tmp, '.complete'), fns.join('\n'));
  mkdirSync(join(out, '..'), { recursive: true });
  try {
    renameSync(tmp, out);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // someone else won the race
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(p));
    else if (entry.name.endsWith('.ts') || entry.name === 'config.json') out.push(p);
  }
  return out.sort();
}
