// Emulator CLI (`npm start`): builds the functions, starts the local CloudBase emulator with real-time timers,
// prints the endpoints and the environment a script needs, logs every invocation, stops cleanly on SIGINT/SIGTERM.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FaultSpec } from './contracts';
import { parseFaultSpec } from './wechat/faults';
import appConfig from '../config/tixing.json';
import { ROOT, startEmulator } from './index';
import { loadProject } from './project';
import { ENDPOINTS } from './server';
import { buildConsole } from './console';

const HELP = `Usage: npm start -- [options]

  --project <dir>   serve another WeChat cloud project (DevTools layout: project.config.json cloudfunctionRoot,
                    miniprogramRoot/app.json); its functions run unmodified with their own node_modules; implies
                    --no-build and --no-setup
  --port <n>        listen on 127.0.0.1:<n> (default $PORT or 8787; 0 = any free port)
  --data <dir>      keep the database on disk in <dir> across restarts (default: in memory)
  --env <id>        the cloud environment id functions run in (getWXContext().ENV; default tixing-local), e.g.
                    tixing-prod to run with config/tixing.json environments["tixing-prod"]
  --no-setup        do not run \`setup\` (collections + demo events) on an empty database at start
  --no-timers       do not fire timer triggers in real time (use POST /trigger/<fn> or /clock/advance)
  --faults <json|file>  WeChat fault injection, e.g. '{"systemErrorRate":0.1,"latency":{"minMs":20,"maxMs":200}}'
  --import <dir>    start from the database export in <dir> (replaces what --data holds)
  --export-on-exit <dir>  write the database to <dir> when stopped (Ctrl-C, SIGTERM); --import <dir> reads it back
  --start-at <ISO>  start the virtual clock at this time
  --no-build        skip \`npm run build\`
  --quiet           do not forward what functions print
  --help`;

interface CliOptions {
  port: number;
  project?: string;
  dataDir?: string;
  timers: 'auto' | 'manual';
  faults?: FaultSpec;
  startAt?: number;
  build: boolean;
  setup: boolean;
  quiet: boolean;
  importDir?: string;
  exportOnExit?: string;
  envId?: string;
}

function parseArgs(argv: string[]): CliOptions {
  const o: CliOptions = { port: Number(process.env.PORT ?? 8787), timers: 'auto', build: true, setup: true, quiet: false };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      console.log(HELP);
      process.exit(0);
    } else if (a === '--port') o.port = Number(value(i++, a));
    else if (a === '--project') o.project = resolve(value(i++, a));
    else if (a === '--data') o.dataDir = resolve(value(i++, a));
    else if (a === '--no-setup') o.setup = false;
    else if (a === '--env') {
      const v = value(i++, a);
      if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(v)) throw new Error('--env needs an environment id like tixing-test-1a2b');
      o.envId = v;
    }
    else if (a === '--import') o.importDir = resolve(value(i++, a));
    else if (a === '--export-on-exit') o.exportOnExit = resolve(value(i++, a));
    else if (a === '--no-timers') o.timers = 'manual';
    else if (a === '--no-build') o.build = false;
    else if (a === '--quiet') o.quiet = true;
    else if (a === '--start-at') {
      const t = Date.parse(value(i++, a));
      if (!Number.isFinite(t)) throw new Error('--start-at needs an ISO date');
      o.startAt = t;
    } else if (a === '--faults') {
      const v = value(i++, a);
      let spec: unknown;
      try {
        spec = JSON.parse(existsSync(v) ? readFileSync(v, 'utf8') : v);
      } catch {
        throw new Error('--faults needs JSON (or a JSON file), e.g. \'{"systemErrorRate":0.1}\'');
      }
      try {
        o.faults = parseFaultSpec(spec);
      } catch (err) {
        throw new Error(`--faults: ${(err as Error).message}`);
      }
    } else throw new Error(`unknown option ${a} (see --help)`);
  }
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new Error(`bad port ${o.port}`);
  if (o.project) {
    o.build = false;
    o.setup = false;
  }
  return o;
}

/** `export A='…' B='…'` with single-quote shell escaping. */
export function shellExports(env: Record<string, string>): string {
  const q = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  return `export ${Object.entries(env)
    .map(([k, v]) => `${k}=${q(v)}`)
    .join(' ')}`;
}

function build(): void {
  if (!existsSync(join(ROOT, 'scripts', 'build.ts'))) {
    console.warn('warning: scripts/build.ts not found; serving the bundles already in cloudfunctions/');
    return;
  }
  const r = spawnSync('npx', ['tsx', 'scripts/build.ts'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`npm run build failed (exit ${r.status ?? r.signal})`);
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.build) build();
  const project = o.project ? loadProject(o.project) : undefined;
  if (project) for (const w of project.warnings) console.warn(`warning: ${w}`);
  const emu = await startEmulator({
    ...(project
      ? { functionsDir: project.functionsDir, appJsonPath: project.appJsonPath, functionsConfig: project.timeouts, indexes: {} }
      : {}),
    port: o.port,
    dataDir: o.dataDir,
    timers: o.timers,
    faults: o.faults,
    startAt: o.startAt,
    startTimers: false,
    quiet: o.quiet,
    importDir: o.importDir,
    exportOnExit: o.exportOnExit,
    envId: o.envId,
    log: (line) => console.log(line),
  });
  // An empty database gets what `setup` creates (collections, demo events) before any timer fires, so the
  // dispatcher never starts against missing collections: the whole system is live on the embedded default.
  if (o.setup && emu.db.collections().length === 0 && emu.runner.functions().some((f) => f.name === 'setup' && f.built)) {
    // The admin of this env id (config/tixing.json `environments`, else the default list).
    const envAdmins = (appConfig as { environments?: Record<string, { admins?: string[] }> }).environments?.[o.envId ?? 'tixing-local']?.admins;
    const admin = (envAdmins ?? appConfig.admins)[0] ?? 'o-admin';
    const out = (await emu.call('setup', admin, { demo: true })) as { ok: boolean; data?: { created: string[] } };
    console.log(out.ok ? `setup: created ${out.data?.created.length ?? 0} collections and the demo events (as ${admin})` : `setup failed: ${JSON.stringify(out)}`);
  }
  emu.timers.start();
  const fns = emu.runner.functions();
  const unbuilt = fns.filter((f) => !f.built).map((f) => f.name);
  const what = project ? `CloudBase emulator for ${project.name} (${project.root})` : 'Tixing emulator';
  console.log(`\n${what} listening on ${emu.url}  (env ${o.envId ?? 'tixing-local'}, data: ${o.dataDir ?? 'in memory'})`);
  console.log(`console: open ${emu.url}/ in a browser`);
  // Bundle the console now, so the first page load is quick (and a bundling problem shows at start).
  buildConsole().catch((err: unknown) => console.warn(`console unavailable: ${err instanceof Error ? err.message : String(err)}`));
  console.log(`functions: ${fns.map((f) => f.name).join(', ') || '(none)'}${unbuilt.length ? `  — NOT BUILT: ${unbuilt.join(', ')}` : ''}`);
  for (const t of emu.timers.upcoming()) {
    console.log(`timer ${t.fn}/${t.trigger}: next ${t.at === undefined ? 'never' : new Date(t.at).toISOString()}${o.timers === 'manual' ? ' (real-time timers off)' : ''}`);
  }
  console.log('\nendpoints:');
  for (const [k, v] of ENDPOINTS) console.log(`  ${k.padEnd(34)} ${emu.url}${k.split(' ').pop()}  ${v}`);
  const first = project ? (fns[0]?.name ?? '<fn>') : 'setup';
  console.log(`\ntry: curl -s -X POST ${emu.url}/call/${first} -d '{"openid":"o-admin"}'`);
  console.log('\nto use the real wx-server-sdk from a Node script against this emulator:');
  console.log(`  ${shellExports(emu.sdkEnv())}\n`);

  let stopping = false;
  let stoppingAt = 0;
  const stop = (signal: string) => {
    if (stopping) {
      // A signal may arrive twice at once (from the terminal and forwarded by a wrapper): only a later one forces.
      if (Date.now() - stoppingAt < 1000) return;
      console.log(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    stoppingAt = Date.now();
    console.log(`\n${signal}: stopping (flushing data)…`);
    emu.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGHUP', () => stop('SIGHUP'));
  // `npm start` runs this file as its only process (package.json: `exec node --import tsx …`), so a signal to the
  // started pid reaches it. Should the parent die without passing one on (npm killed with SIGKILL, a closed
  // terminal), stop too instead of holding the port as an orphan.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop('parent process gone');
  }, 500).unref();
}

main().catch((err: unknown) => {
  console.error(`emulator failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
