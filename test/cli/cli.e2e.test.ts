// End to end: the operator CLI (scripts/tixing.ts on @cloudbase/node-sdk) against the emulator, spawned as an
// operator would run it, with the environment `npm start` prints.
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, TEST_START, useEmulator } from '../support/emulator';

const h = useEmulator();
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const CLI = join(ROOT, 'scripts', 'tixing.ts');

/** The developer's own TCB_/WX_/TENCENTCLOUD_ variables never leak into the child. */
function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(TCB_|WX_|TENCENTCLOUD_|SCF_)/.test(k)) env[k] = v;
  return { ...env, ...h.emu.sdkEnv(), ...extra };
}

async function cli(args: string[], env = cliEnv()): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(TSX, [CLI, ...args], { env, cwd: ROOT, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: x.code ?? -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}

let running = '';
let done = '';
const counters = (c: Record<string, number>) => ({ targeted: 0, sent: 0, skipped: 0, failed: 0, unknown: 0, opened: 0, ...c });
const base = { templateId: 'TPL_EVENT_REMINDER', data: { thing1: '周末读书会' }, audience: { kind: 'all' }, zone: 'Asia/Shanghai', miniprogramState: 'developer', lang: 'zh_CN', createdBy: 'o-admin', createdAt: TEST_START };

beforeAll(async () => {
  expect(await h.emu.call('setup', 'o-admin', {})).toMatchObject({ ok: true });
  running = 'c-running';
  done = 'c-done';
  h.emu.db.insert('campaigns', [
    { ...base, _id: running, name: '五一读书会', status: 'running', sendAt: Date.parse('2026-05-01T01:00:00Z'), startedAt: TEST_START, counters: counters({ targeted: 4, sent: 1, skipped: 1 }), updatedAt: TEST_START + 2 },
    { ...base, _id: done, name: '新品上架', status: 'completed', completedAt: TEST_START, counters: counters({ targeted: 3, sent: 2, failed: 1, opened: 1 }), updatedAt: TEST_START + 1 },
  ]);
  const d = (id: string, openid: string, status: string, extra: Record<string, unknown> = {}) => ({
    _id: `campaign:${id}:${openid}`, sourceType: 'campaign', sourceId: id, openid, templateId: 'TPL_EVENT_REMINDER', data: {}, status,
    dueAt: TEST_START, attempts: 1, nextAttemptAt: TEST_START, createdAt: TEST_START, updatedAt: TEST_START, ...extra,
  });
  h.emu.db.insert('deliveries', [
    d(done, 'o-alice', 'sent', { sentAt: TEST_START, openedAt: TEST_START + 60_000 }),
    d(done, 'o-bob', 'sent', { sentAt: TEST_START }),
    d(done, 'o-carol', 'failed', { errCode: 40003, reason: 'invalid_openid' }),
    d(running, 'o-alice', 'sent'),
    d(running, 'o-bob', 'skipped', { reason: 'no_grant' }),
    d(running, 'o-carol', 'pending'),
    d(running, 'o-dave', 'pending'),
  ]);
});

describe('tixing CLI against the emulator', () => {
  it('lists campaigns newest first with progress', async () => {
    const r = await cli(['campaigns', 'list']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+STATUS\s+SEND AT\s+SENT/);
    expect(lines[1]).toMatch(/^c-running\s+五一读书会\s+running\s+2026-05-01 09:00 Asia\/Shanghai\s+1\/4\s+1\s+0\s+2\s+0$/);
    expect(lines[2]).toMatch(/^c-done\s+新品上架\s+completed\s+-\s+2\/3\s+0\s+1\s+0\s+1$/);
    const json = await cli(['campaigns', 'list', '--status', 'completed', '--json']);
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ id: done, status: 'completed' })]);
  });

  it('shows one campaign with exact stats, and its deliveries', async () => {
    const r = await cli(['campaigns', 'show', done]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('新品上架  (c-done)');
    expect(r.stdout).toMatch(/sent\s+2\n/);
    expect(r.stdout).toMatch(/failed\s+1 \(40003 1\)/);
    expect(r.stdout).toMatch(/opened\s+1 \(50\.0% of sent\)/);
    const stats = JSON.parse((await cli(['campaigns', 'stats', running])).stdout);
    expect(stats).toEqual({ id: running, status: 'running', targeted: 4, sent: 1, skipped: { no_grant: 1 }, failed: {}, unknown: 0, opened: 0, receipts: { delivered: 0, failed: 0, awaiting: 1 }, pending: 2, cancelled: 0 });
    const dl = await cli(['campaigns', 'deliveries', running, '--status', 'pending', '--limit', '1']);
    expect(dl.stdout).toMatch(/o-carol\s+pending/);
    expect(dl.stdout).not.toContain('o-dave');
    expect(dl.stdout).toContain(`more: --after campaign:${running}:o-carol`);
    const next = await cli(['campaigns', 'deliveries', running, '--status', 'pending', '--after', `campaign:${running}:o-carol`]);
    expect(next.stdout).toMatch(/o-dave\s+pending/);
  });

  it('watch prints plain progress when not a TTY and stops when the campaign becomes final', async () => {
    const child = spawn(TSX, [CLI, 'campaigns', 'watch', running, '--interval', '0.2'], { env: cliEnv(), cwd: ROOT });
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
    for (let i = 0; i < 300 && !stdout.includes('running'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(stdout).toMatch(/\[█+░+\]\s+50%\s+2\/4\s+sent 1 skipped 1 failed 0 .* running\n/);
    expect(stdout).not.toContain('\r');
    // The admin cancels it from the admin pages: watch sees the final state and exits with the exact numbers.
    expect(await h.emu.call('campaigns', 'o-admin', { action: 'cancel', id: running })).toMatchObject({ ok: true, data: { cancelledDeliveries: 2 } });
    expect(await exited).toBe(0);
    expect(stdout).toContain('五一读书会 cancelled');
    expect(stdout).toMatch(/cancelled 2/);
  });

  it('fails clearly: unknown campaign, missing connection variables', async () => {
    const missing = await cli(['campaigns', 'show', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('campaign nope not found');
    const noEnv = await cli(['campaigns', 'list'], { PATH: process.env.PATH ?? '' });
    expect(noEnv.code).toBe(1);
    expect(noEnv.stderr).toContain('missing TCB_ENV, TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY');
  });
});
