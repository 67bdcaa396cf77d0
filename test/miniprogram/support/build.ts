// Test support (mini program): compiles miniprogram/ into a temp dir that miniprogram-simulate can load — each
// page/component .ts bundled to .js with esbuild, next to copies of its .wxml/.wxss/.json — and makes the WeChat
// WXML compiler shipped by miniprogram-compiler executable (a fresh npm install may drop the exec bit).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const MINIPROGRAM_SRC = path.resolve(__dirname, '../../../miniprogram');
const COPY_EXT = new Set(['.wxml', '.wxss', '.json', '.wxs']);

let builtRoot: string | null = null;

/** chmod +x the linux wcc/wcsc binaries and check that wcc starts; throws with the reason if it cannot. */
export function ensureWechatCompiler(): string {
  const pkg = path.dirname(require.resolve('miniprogram-compiler/package.json'));
  const dir = process.platform === 'darwin' ? 'mac' : process.platform === 'linux' ? 'linux' : 'windows';
  const wcc = path.join(pkg, 'bin', dir, process.platform === 'win32' ? 'wcc.exe' : 'wcc');
  if (process.platform !== 'win32') {
    for (const bin of ['wcc', 'wcsc']) fs.chmodSync(path.join(pkg, 'bin', dir, bin), 0o755);
  }
  const probe = spawnSync(wcc, [], { timeout: 10_000 });
  if (probe.error) throw new Error(`WeChat compiler wcc cannot run (${wcc}): ${probe.error.message}`);
  return wcc;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/**
 * esbuild's JS API refuses to load under jsdom (its Uint8Array invariant fails across realms), so the bundling
 * runs in a child Node process.
 */
function bundle(entries: string[], outdir: string): void {
  const options = {
    entryPoints: entries, outbase: MINIPROGRAM_SRC, outdir, bundle: true, format: 'cjs', platform: 'neutral',
    target: 'es2020', logLevel: 'error',
  };
  const script = `require(${JSON.stringify(require.resolve('esbuild'))}).buildSync(JSON.parse(process.argv[1]))`;
  const res = spawnSync(process.execPath, ['-e', script, JSON.stringify(options)], { encoding: 'utf8', timeout: 60_000 });
  if (res.status !== 0) throw new Error(`esbuild failed: ${res.error?.message ?? ''} ${res.stderr}`);
}

/** Builds the whole mini program once per test file; returns the temp root (the simulate `rootPath`). */
export function buildMiniprogram(): string {
  if (builtRoot) return builtRoot;
  ensureWechatCompiler();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tixing-mp-'));
  const entries: string[] = [];
  for (const file of walk(MINIPROGRAM_SRC)) {
    const rel = path.relative(MINIPROGRAM_SRC, file);
    const ext = path.extname(file);
    if (COPY_EXT.has(ext)) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.copyFileSync(file, path.join(root, rel));
    } else if (ext === '.ts' && fs.existsSync(file.slice(0, -3) + '.json') && !rel.startsWith('app')) {
      entries.push(file); // a page or component: has a sibling .json
    } else if (rel === 'app.ts') {
      entries.push(file); // app.js: tests load it with a stub App() to drive onLaunch/onShow (miniprogram-simulate does not)
    }
  }
  bundle(entries, root);
  builtRoot = root;
  return root;
}

export function removeBuild(): void {
  if (builtRoot) fs.rmSync(builtRoot, { recursive: true, force: true });
  builtRoot = null;
}
