// Emulator --project: a WeChat cloud project laid out as DevTools creates it (test/fixtures/projects/todo-demo: plain
// JavaScript functions, each with its own package.json and node_modules, a timer, openapi permissions) served
// unmodified — through startEmulator with loadProject's layout, and once through `npm start -- --project`.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator, type Emulator } from '../../emulator';
import { loadProject } from '../../emulator/project';

const ROOT = resolve(__dirname, '..', '..');
const START = Date.parse('2026-05-01T00:00:30Z');
let dir: string;
let emu: Emulator;

/** Copies the fixture and gives each function its own node_modules/wx-server-sdk (2.x for login, 4.x elsewhere). */
function installProject(): string {
  const d = mkdtempSync(join(tmpdir(), 'tixing-project-'));
  cpSync(join(ROOT, 'test', 'fixtures', 'projects', 'todo-demo'), d, { recursive: true });
  for (const [fn, pkg] of [['login', 'wx-server-sdk-2'], ['todos', 'wx-server-sdk'], ['cleanup', 'wx-server-sdk'], ['nopermission', 'wx-server-sdk']]) {
    mkdirSync(join(d, 'cloudfunctions', fn as string, 'node_modules'));
    symlinkSync(join(ROOT, 'node_modules', pkg as string), join(d, 'cloudfunctions', fn as string, 'node_modules', 'wx-server-sdk'), 'dir');
  }
  return d;
}

beforeAll(async () => {
  dir = installProject();
  const p = loadProject(dir);
  emu = await startEmulator({
    port: 0, quiet: true, timers: 'manual', startAt: START, indexes: {},
    functionsDir: p.functionsDir, appJsonPath: p.appJsonPath, functionsConfig: { ...p.timeouts, todos: { timeoutSec: 20 } },
  });
  emu.db.createCollection('todos');
});
afterAll(async () => {
  await emu?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('reads project.config.json: functions folder, app.json, no warnings when dependencies are installed', () => {
  const p = loadProject(dir);
  expect(p).toMatchObject({ name: 'todo-demo', functionsDir: join(dir, 'cloudfunctions'), appJsonPath: join(dir, 'miniprogram', 'app.json'), warnings: [] });
  expect(emu.runner.functions().map((f) => f.name)).toEqual(['cleanup', 'login', 'nopermission', 'todos']);
});

it('warns about a function whose dependencies are not installed', () => {
  rmSync(join(dir, 'cloudfunctions', 'nopermission', 'node_modules'), { recursive: true });
  try {
    expect(loadProject(dir).warnings).toEqual([expect.stringContaining('nopermission: wx-server-sdk not installed')]);
  } finally {
    mkdirSync(join(dir, 'cloudfunctions', 'nopermission', 'node_modules'));
    symlinkSync(join(ROOT, 'node_modules', 'wx-server-sdk'), join(dir, 'cloudfunctions', 'nopermission', 'node_modules', 'wx-server-sdk'), 'dir');
  }
});

it('runs a function with its own wx-server-sdk 2.x, with the caller\'s identity', async () => {
  const res = await emu.call('login', 'o-todo', { hello: 1 });
  expect(res).toMatchObject({ openid: 'o-todo', appid: 'wx0000000000000000', env: 'tixing-local', sdk: '2.3.0', event: { hello: 1 } });
});

it('runs a wx-server-sdk 4.x function: database, content security, wxacode and storage', async () => {
  expect(await emu.call('todos', 'o-todo', { action: 'add', title: '买牛奶' })).toMatchObject({ ok: true });
  expect(await emu.call('todos', 'o-todo', { action: 'add', title: '一起去赌博' })).toEqual({ ok: false, reason: 'risky' });
  const list = await emu.call<{ todos: { id: string; title: string }[] }>('todos', 'o-todo', { action: 'list' });
  expect(list.todos.map((t) => t.title)).toEqual(['买牛奶']);
  const share = await emu.call<{ contentType: string; fileID: string }>('todos', 'o-todo', { action: 'share', id: list.todos[0]?.id });
  expect(share.contentType).toBe('image/png');
  expect(emu.storage.read(share.fileID)?.subarray(1, 4).toString()).toBe('PNG');
});

it('enforces config.json openapi permissions (-604101)', async () => {
  expect(await emu.call('nopermission', 'o-todo')).toEqual({ errCode: -604101 });
});

it('fires the timer of config.json, running the package.json main entry', async () => {
  const { id } = await emu.call<{ id: string }>('todos', 'o-todo', { action: 'add', title: '洗碗' });
  await emu.call('todos', 'o-todo', { action: 'done', id });
  const r = await emu.advance(60_000);
  const fired = r.fired.filter((f) => f.fn === 'cleanup');
  expect(fired).toHaveLength(1);
  expect(fired[0]?.invocation.result).toEqual({ trigger: 'everyMinute', removed: 1 });
  expect(emu.db.find('todos', { title: '洗碗' })).toEqual([]);
});

it('npm start -- --project <dir> serves the project', async () => {
  const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'emulator', 'cli.ts'), '--project', dir, '--port', '0', '--no-timers', '--quiet'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const url = await new Promise<string>((resolveUrl, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no listening line in 30 s:\n${out}`)), 30_000);
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /CloudBase emulator for todo-demo .* listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolveUrl(m[1] as string);
        }
      });
      child.on('exit', (code) => reject(new Error(`cli exited (${code}):\n${out}`)));
    });
    const res = await fetch(`${url}/call/login`, { method: 'POST', body: JSON.stringify({ openid: 'o-cli' }) });
    expect(await res.json()).toMatchObject({ openid: 'o-cli', sdk: '2.3.0' });
  } finally {
    child.kill('SIGTERM');
  }
}, 60_000);
