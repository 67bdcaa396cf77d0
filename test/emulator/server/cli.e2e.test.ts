// `npm start` as a developer runs it: a signal to the started pid stops the whole process tree and frees the port;
// --export-on-exit writes the database as JSON files and --import reads them back; bad --faults keys are refused.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');
const BASE = ['--no-build', '--no-setup', '--no-timers', '--quiet', '--port', '0'];

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
}

function npmStart(args: string[], detached = false): ChildProcess {
  // detached: its own process group, like a terminal's foreground job (Ctrl-C signals the whole group).
  return spawn('npm', ['start', '--silent', '--', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached });
}

function collect(child: ChildProcess): () => string {
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  return () => out;
}

async function start(args: string[], detached = false): Promise<Started> {
  const child = npmStart([...BASE, ...args], detached);
  const output = collect(child);
  const deadline = Date.now() + 45_000;
  for (;;) {
    const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output());
    if (m?.[1]) return { child, url: m[1], output };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not come up:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every process below `pid` (children first listed, then theirs). */
function descendants(pid: number): number[] {
  let kids: number[] = [];
  try {
    kids = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((s) => Number(s.trim()))
      .filter((n) => n > 0);
  } catch {
    kids = []; // ps exits 1 when there are none
  }
  return kids.flatMap((k) => [k, ...descendants(k)]);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function exited(child: ChildProcess, ms = 20_000): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('did not exit')), ms);
    child.once('exit', (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });
}

/** npm exits once it has passed the signal on; the emulator may need a moment more (workers, export). */
async function allGone(pids: number[], ms = 15_000): Promise<number[]> {
  const deadline = Date.now() + ms;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return pids.filter(alive);
}

async function portFree(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
    return false;
  } catch {
    return true;
  }
}

async function stopsTree(signal: NodeJS.Signals, args: string[] = []): Promise<{ url: string; output: string }> {
  const s = await start(args);
  expect((await fetch(`${s.url}/health`)).status).toBe(200);
  const tree = descendants(s.child.pid as number);
  expect(tree.length).toBeGreaterThan(0); // npm's child: the emulator itself
  s.child.kill(signal);
  await exited(s.child);
  expect(await allGone(tree)).toEqual([]);
  expect(await portFree(s.url)).toBe(true);
  return { url: s.url, output: s.output() };
}

describe('npm start', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'tixing-export-')), 'export');

  it('SIGTERM to the started pid stops the whole tree, frees the port, and writes --export-on-exit', async () => {
    const s = await start(['--export-on-exit', dir]);
    const docs = { collections: { users: [{ _id: 'o-1', nickname: '小明', at: { $date: '2026-05-01T00:00:00Z' } }], events: [] } };
    expect((await fetch(`${s.url}/snapshot`, { method: 'POST', body: JSON.stringify(docs) })).status).toBe(200);
    const tree = descendants(s.child.pid as number);
    s.child.kill('SIGTERM');
    await exited(s.child);
    expect(await allGone(tree)).toEqual([]);
    expect(await portFree(s.url)).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'tixing-export.json'), 'utf8'))).toMatchObject({ version: 1, collections: ['events', 'users'] });
    expect(JSON.parse(readFileSync(join(dir, 'collections', 'users.json'), 'utf8'))).toEqual([
      { _id: 'o-1', nickname: '小明', at: { $date: '2026-05-01T00:00:00Z' } },
    ]);
  });

  it('--import reads the export back (Dates included); SIGINT stops the tree too', async () => {
    const s = await start(['--import', dir]);
    const snap = (await (await fetch(`${s.url}/snapshot`)).json()) as { collections: Record<string, unknown[]> };
    expect(snap.collections.users).toEqual([{ _id: 'o-1', nickname: '小明', at: { $date: '2026-05-01T00:00:00Z' } }]);
    const tree = descendants(s.child.pid as number);
    s.child.kill('SIGINT');
    await exited(s.child);
    expect(await allGone(tree)).toEqual([]);
    expect(await portFree(s.url)).toBe(true);
  });

  it('Ctrl-C (SIGINT to the whole process group) stops cleanly, export included', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'tixing-ctrlc-')), 'export');
    const s = await start(['--export-on-exit', out], true);
    const tree = [s.child.pid as number, ...descendants(s.child.pid as number)];
    process.kill(-(s.child.pid as number), 'SIGINT');
    expect(await allGone(tree)).toEqual([]);
    expect(await portFree(s.url)).toBe(true);
    expect(s.output()).not.toMatch(/exiting now/);
    expect(existsSync(join(out, 'tixing-export.json'))).toBe(true);
  });

  it('SIGKILL to npm leaves no orphan holding the port', async () => {
    const s = await start([]);
    const tree = descendants(s.child.pid as number);
    s.child.kill('SIGKILL');
    await exited(s.child);
    expect(await allGone(tree)).toEqual([]);
    expect(await portFree(s.url)).toBe(true);
  });

  it('--import of a directory that is not an export, and an unknown --faults key, are refused at start', async () => {
    const notExport = mkdtempSync(join(tmpdir(), 'tixing-notexport-'));
    const a = npmStart([...BASE, '--import', notExport]);
    const outA = collect(a);
    expect(await exited(a)).not.toBe(0);
    expect(outA()).toMatch(/is not a Tixing export/);
    const b = npmStart([...BASE, '--faults', '{"systemErrorRat":0.1}']);
    const outB = collect(b);
    expect(await exited(b)).not.toBe(0);
    expect(outB()).toMatch(/unknown key "systemErrorRat"/);
    expect(existsSync(join(notExport, 'tixing-export.json'))).toBe(false);
  });

  it('SIGTERM says it is stopping, and the port is free after', async () => {
    const r = await stopsTree('SIGTERM');
    expect(r.output).toMatch(/SIGTERM: stopping/);
  });
});
