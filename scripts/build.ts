// Scripts: bundles every cloudfunctions/<fn>/src/index.ts into cloudfunctions/<fn>/index.js with esbuild.
// Shared code (core/, adapters/, config/) and wx-server-sdk are inlined, so the uploaded folder is self-contained
// (see README "Bundling wx-server-sdk" for the measurement behind inlining the SDK).
import { build, BuildOptions, Plugin } from 'esbuild';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
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

/**
 * Cold start: wx-server-sdk loads all of @cloudbase/node-sdk at `require`, including parts no Tixing function calls
 * (AI models, cloud storage and its XML parser, analytics, notifications, cloud run, mime-db). These module-level
 * requires become lazy: the module loads on first use of one of its exports, so a function that never uses it never
 * pays for it. Each entry: the file (path inside node_modules) and the specifiers made lazy there.
 */
export const LAZY_REQUIRES: { file: RegExp; specifiers: string[] }[] = [
  { file: /@cloudbase[\\/]node-sdk[\\/]dist[\\/]cloudbase\.js$/, specifiers: ['./ai', './storage', './analytics', './notification', './cloudrun'] },
  { file: /@cloudbase[\\/]node-sdk[\\/]dist[\\/]ai[\\/]index\.js$/, specifiers: ['@cloudbase/ai'] },
  { file: /@cloudbase[\\/]node-sdk[\\/]dist[\\/]storage[\\/]index\.js$/, specifiers: ['xml2js'] },
  { file: /wx-server-sdk[\\/]index\.js$/, specifiers: ['mime-db'] },
];

/**
 * Probes that load Node's fetch implementation (undici) at `require` only to learn whether a global exists: Node
 * defines `Headers` as a lazy accessor, so reading it loads undici, while `in` does not. Same meaning, no cost.
 */
export const GLOBAL_PROBES: { file: RegExp; from: string; to: string }[] = [
  { file: /@cloudbase[\\/]wx-cloud-client-sdk[\\/]lib[\\/]wxCloudClientSDK\.cjs\.js$/, from: '!globalThis.Headers', to: '!("Headers" in globalThis)' },
];

/** A module object that loads itself on first use (property read, call, `new`, `in`). */
const LAZY_HELPER = `function __tixingLazy(load) { var m, loaded = false; function get() { if (!loaded) { m = load(); loaded = true; } return m; }
  return new Proxy(function () {}, { get: function (_, k) { return get()[k]; }, has: function (_, k) { return k in get(); },
    set: function (_, k, v) { get()[k] = v; return true; }, apply: function (_, t, a) { return get().apply(t, a); },
    construct: function (_, a) { var C = get(); return new C(...a); } }); }\n`;

/** Rewrites `const x = [__importDefault(|__importStar(]require("spec")[)];` into a lazy module; counts rewrites. */
export function lazify(source: string, specifiers: readonly string[]): { code: string; count: number } {
  let count = 0;
  const code = source.replace(/^(\s*(?:const|var|let) [\w$]+ = )((?:__importDefault|__importStar)\()?require\((["'])([^"']+)\3\)(\))?;/gm, (all, head: string, wrap: string | undefined, _q: string, spec: string, close: string | undefined) => {
    if (!specifiers.includes(spec) || Boolean(wrap) !== Boolean(close)) return all;
    count += 1;
    return `${head}__tixingLazy(() => ${wrap ?? ''}require("${spec}")${close ?? ''});`;
  });
  // webpack's form (wx-server-sdk): `const x = __webpack_require__(/*! spec */ "spec");`
  const code2 = code.replace(/^(\s*(?:const|var|let) [\w$]+ = )__webpack_require__\(\/\*! ([^*]+) \*\/ "([^"]+)"\);/gm, (all, head: string, _c: string, spec: string) => {
    if (!specifiers.includes(spec)) return all;
    count += 1;
    return `${head}__tixingLazy(() => __webpack_require__("${spec}"));`;
  });
  return { code: count ? LAZY_HELPER + code2 : code2, count };
}

const lazyRequiresPlugin: Plugin = {
  name: 'lazy-requires',
  setup(b) {
    b.onLoad({ filter: /node_modules[\\/].*\.js$/ }, (args) => {
      const probe = GLOBAL_PROBES.find((r) => r.file.test(args.path));
      if (probe) {
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes(probe.from)) return { warnings: [{ text: `lazy-requires: "${probe.from}" not found in ${args.path} (SDK changed?)` }] };
        return { contents: text.split(probe.from).join(probe.to), loader: 'js' };
      }
      const rule = LAZY_REQUIRES.find((r) => r.file.test(args.path));
      if (!rule) return undefined;
      const { code, count } = lazify(readFileSync(args.path, 'utf8'), rule.specifiers);
      if (count === 0) return { warnings: [{ text: `lazy-requires: nothing to rewrite in ${args.path} (SDK changed?)` }] };
      return { contents: code, loader: 'js' };
    });
  },
};

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
    plugins: [lazyRequiresPlugin],
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
