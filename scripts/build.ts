// Scripts: bundles every cloudfunctions/<fn>/src/index.ts into cloudfunctions/<fn>/index.js with esbuild.
// Shared code (core/, adapters/, config/) and wx-server-sdk are inlined, so the uploaded folder is self-contained
// (see README "Bundling wx-server-sdk" for the measurement behind inlining the SDK).
import { build, BuildOptions } from 'esbuild';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..');
export const FUNCTIONS_DIR = join(ROOT, 'cloudfunctions');

/** Functions are folders of cloudfunctions/ with a src/index.ts entry. */
export function listFunctions(dir = FUNCTIONS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'src', 'index.ts')))
    .sort();
}

export function esbuildOptions(fnDir: string, overrides: Partial<BuildOptions> = {}): BuildOptions {
  return {
    entryPoints: [join(fnDir, 'src', 'index.ts')],
    outfile: join(fnDir, 'index.js'),
    bundle: true,
    platform: 'node',
    // The cloud runtime is Node 16 at the least (WeChat DevTools offers Node 16/18); target its syntax.
    target: 'node16',
    format: 'cjs',
    keepNames: true,
    minify: false,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
    banner: { js: `// Built by scripts/build.ts from src/index.ts. Do not edit: run \`npm run build\`.` },
    ...overrides,
  };
}

export async function buildFunction(fnDir: string, overrides: Partial<BuildOptions> = {}): Promise<number> {
  const opts = esbuildOptions(fnDir, overrides);
  await build(opts);
  return statSync(opts.outfile as string).size;
}

export async function buildAll(dir = FUNCTIONS_DIR, quiet = false): Promise<Record<string, number>> {
  const sizes: Record<string, number> = {};
  const started = Date.now();
  await Promise.all(
    listFunctions(dir).map(async (fn) => {
      sizes[fn] = await buildFunction(join(dir, fn));
    }),
  );
  if (!quiet) {
    const list = Object.entries(sizes)
      .map(([fn, size]) => `${fn} ${(size / 1024).toFixed(0)} KiB`)
      .join(', ');
    console.log(`built ${Object.keys(sizes).length} functions in ${Date.now() - started} ms: ${list}`);
  }
  return sizes;
}

if (require.main === module) {
  buildAll().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
