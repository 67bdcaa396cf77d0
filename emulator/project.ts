// Emulator: serving any WeChat cloud project laid out as DevTools creates it (`npm start -- --project <dir>`).
// project.config.json names the functions folder (`cloudfunctionRoot`) and the mini program (`miniprogramRoot`,
// whose app.json lists the pages that subscription messages and wxacode check). Each function folder is served
// unmodified: its entry (package.json `main`, else index.js) runs in its own workers and resolves `require`s from its
// own node_modules, as in the cloud; its config.json gives the timer trigger and the openapi permissions enforced.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FunctionTimeouts } from './runner/functions';

export interface ProjectLayout {
  root: string;
  /** project.config.json `projectname` (or the folder name). */
  name: string;
  functionsDir: string;
  appJsonPath: string;
  /** Per-function timeouts from an optional numeric `timeout` (seconds) in the function's config.json. */
  timeouts: FunctionTimeouts;
  /** Things worth telling the developer (missing node_modules, missing app.json…). */
  warnings: string[];
}

function readJson(path: string): Record<string, unknown> {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not a JSON object');
    return v as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`);
  }
}

/** Reads `<dir>/project.config.json` (and project.private.config.json over it, as DevTools does). */
export function loadProject(dir: string): ProjectLayout {
  const root = resolve(dir);
  const configPath = join(root, 'project.config.json');
  if (!existsSync(configPath)) throw new Error(`${root} has no project.config.json (is it a WeChat DevTools project?)`);
  const cfg = { ...readJson(configPath) };
  const privatePath = join(root, 'project.private.config.json');
  if (existsSync(privatePath)) Object.assign(cfg, readJson(privatePath));
  const cloudRoot = typeof cfg.cloudfunctionRoot === 'string' ? cfg.cloudfunctionRoot : undefined;
  if (!cloudRoot) throw new Error(`${configPath} has no "cloudfunctionRoot": the project has no cloud functions`);
  const functionsDir = resolve(root, cloudRoot);
  if (!existsSync(functionsDir)) throw new Error(`cloudfunctionRoot ${cloudRoot} does not exist under ${root}`);
  const mpRoot = typeof cfg.miniprogramRoot === 'string' ? cfg.miniprogramRoot : '';
  const appJsonPath = resolve(root, mpRoot, 'app.json');
  const warnings: string[] = [];
  if (!existsSync(appJsonPath)) warnings.push(`no app.json at ${appJsonPath}: every page answers 41030`);
  const timeouts: FunctionTimeouts = {};
  for (const fn of readdirSync(functionsDir).sort()) {
    const fdir = join(functionsDir, fn);
    if (!statSync(fdir).isDirectory()) continue;
    const conf = join(fdir, 'config.json');
    if (existsSync(conf)) {
      const t = readJson(conf).timeout;
      if (typeof t === 'number' && t > 0) timeouts[fn] = { timeoutSec: t };
    }
    const pkg = join(fdir, 'package.json');
    if (existsSync(pkg)) {
      const deps = readJson(pkg).dependencies;
      const names = deps && typeof deps === 'object' ? Object.keys(deps) : [];
      const missing = names.filter((d) => !existsSync(join(fdir, 'node_modules', d)));
      if (missing.length) warnings.push(`${fn}: ${missing.join(', ')} not installed in ${fn}/node_modules (run npm install there, as DevTools' "install dependencies" does)`);
    }
  }
  const name = typeof cfg.projectname === 'string' && cfg.projectname ? decodeURIComponent(cfg.projectname) : root.split('/').pop() ?? root;
  return { root, name, functionsDir, appJsonPath, timeouts, warnings };
}
