// Emulator runner: compiles the TypeScript worker bootstrap to JavaScript once (esbuild), cached by content hash,
// so workers start the same way under tsx (npm start) and under jest (ts-jest).
import { buildSync } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SOURCES = ['bootstrap.ts', 'protocol.ts'];
let compiled: string | undefined;

/** Path of the compiled bootstrap (a CommonJS file in the OS temp dir). */
export function bootstrapPath(): string {
  if (compiled && existsSync(compiled)) return compiled;
  const hash = createHash('sha256');
  for (const name of SOURCES) hash.update(readFileSync(join(__dirname, name)));
  const dir = join(tmpdir(), `tixing-emulator-${process.getuid?.() ?? 'u'}`);
  const out = join(dir, `worker-${hash.digest('hex').slice(0, 16)}.js`);
  if (!existsSync(out)) {
    mkdirSync(dir, { recursive: true });
    // Build to a private name then rename: parallel jest workers may compile at the same time.
    const tmp = `${out}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    buildSync({
      entryPoints: [join(__dirname, 'bootstrap.ts')],
      outfile: tmp,
      bundle: true,
      platform: 'node',
      target: 'node18',
      format: 'cjs',
      logLevel: 'error',
    });
    renameSync(tmp, out);
  }
  compiled = out;
  return out;
}
