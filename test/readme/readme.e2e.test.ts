// End to end (README): every command block of README.md runs, in order, against a freshly started `npm start` (a
// free port, its own data directory, stopped by pid at the end); each must exit 0 and print what its `# → …` lines
// say. The convention is in test/readme/blocks.ts and at the top of the README's walk-throughs.
// TIXING_README_LOG=1 prints every block's output.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildStale, ROOT } from '../support/emulator';
import { extractBlocks, firstUnmet, forServer, type CommandBlock } from './blocks';

const BLOCK_TIMEOUT_MS = 120_000;
const blocks = extractBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'));
const runnable = blocks.filter((b) => !b.skip);

interface Server {
  child: ChildProcess;
  /** host:port */
  address: string;
  /** The `export …` line npm start printed. */
  exports: string;
  output: string[];
}

let server: Server | undefined;
/** The npm process, kept from the moment it is spawned so a start that times out is still stopped. */
let started: ChildProcess | undefined;
const work = mkdtempSync(join(tmpdir(), 'tixing-readme-'));
const STATE = join(work, 'shell-state.sh');

function startServer(): Promise<Server> {
  // detached: its own process group, so stopping it by pid also stops what npm started.
  const child = spawn('npm', ['start', '--', '--port', '0', '--data', join(work, 'data'), '--no-build'], {
    cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' },
  });
  started = child;
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    let address: string | undefined;
    const timer = setTimeout(() => reject(new Error(`npm start did not come up in 90 s:\n${output.join('')}`)), 90_000);
    const onData = (chunk: Buffer): void => {
      output.push(chunk.toString());
      const text = output.join('');
      address ??= /listening on http:\/\/([\d.]+:\d+)/.exec(text)?.[1];
      const exports = /^\s*(export TENCENTCLOUD_RUNENV=.*)$/m.exec(text)?.[1];
      if (address && exports) {
        clearTimeout(timer);
        resolve({ child, address, exports, output });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`npm start exited (${code}) before listening:\n${output.join('')}`)));
  });
}

async function stopServer(s: Pick<Server, 'child'>): Promise<void> {
  const pid = s.child.pid!;
  const exited = new Promise<void>((resolve) => {
    if (s.child.exitCode !== null || s.child.signalCode !== null) resolve();
    else s.child.once('exit', () => resolve());
  });
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  const killer = setTimeout(() => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, 15_000);
  await exited;
  clearTimeout(killer);
}

/** Runs one block as the README reader would in the terminal: the variables of earlier blocks kept. */
function runBlock(block: Pick<CommandBlock, 'code'>, s: Server): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = join(work, 'block.sh');
  writeFileSync(
    script,
    [
      'set -a',
      `[ -f '${STATE}' ] && . '${STATE}'`,
      s.exports,
      'set -eo pipefail',
      forServer(block.code, s.address),
      `export -p > '${STATE}.next' && mv '${STATE}.next' '${STATE}'`,
      '',
    ].join('\n'),
  );
  const child = spawn('bash', [script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), BLOCK_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Why a block failed, with its output's tail; undefined when it passed. */
async function verdict(block: CommandBlock, s: Server): Promise<string | undefined> {
  const r = await runBlock(block, s);
  if (process.env.TIXING_README_LOG === '1') process.stderr.write(`--- README line ${block.line} ---\n${r.stdout}\n${r.stderr}\n`);
  const tail = `\n--- stdout ---\n${r.stdout.slice(-3000)}\n--- stderr ---\n${r.stderr.slice(-3000)}`;
  if (r.code !== 0) return `README line ${block.line} (${block.heading}) exited ${r.code}${tail}`;
  const unmet = firstUnmet(r.stdout, block.expects);
  if (unmet !== undefined) return `README line ${block.line} (${block.heading}): output lacks "# → ${unmet}"${tail}`;
  return undefined;
}

beforeAll(async () => {
  await buildStale(join(ROOT, 'cloudfunctions'));
  server = await startServer();
}, 240_000);

afterAll(async () => {
  if (started) await stopServer({ child: started });
  rmSync(work, { recursive: true, force: true });
}, 30_000);

it('the README has command blocks to run (the extractor is not blind)', () => {
  expect(runnable.length).toBeGreaterThanOrEqual(6);
  expect(blocks.some((b) => b.skip)).toBe(true);
  expect(runnable.some((b) => b.expects.length > 0)).toBe(true);
});

describe('README command blocks, in order, against npm start', () => {
  it.each(runnable.map((b) => [`line ${b.line}: ${b.heading}`, b] as const))('%s', async (_name, block) => {
    expect(await verdict(block, server!)).toBeUndefined();
  }, BLOCK_TIMEOUT_MS + 10_000);
});

describe('a broken block fails the test', () => {
  const at = (code: string, expects: string[] = []): CommandBlock => ({ line: 0, heading: 'probe', code, skip: false, expects });
  it('a command that fails (curl -f on a missing endpoint)', async () => {
    expect(await verdict(at('curl -sf -X POST 127.0.0.1:8787/call/noSuchFunction -d "{}" >/dev/null'), server!)).toMatch(/exited [1-9]/);
  });
  it('output that is not what the README says', async () => {
    const block = at(`curl -s -X POST 127.0.0.1:8787/call/hello -d '{"openid":"o-probe"}'`, ['{"ok":false...}']);
    expect(await verdict(block, server!)).toMatch(/output lacks/);
    expect(await verdict({ ...block, expects: ['{"ok":true,"data":{"greeting":"你好，o-probe",...}'] }, server!)).toBeUndefined();
  });
});

it('stopping by pid frees the server', async () => {
  const s = server!;
  await stopServer(s);
  expect(s.child.exitCode !== null || s.child.signalCode !== null).toBe(true);
  expect(() => process.kill(-s.child.pid!, 0)).toThrow();
  server = undefined;
}, 30_000);
