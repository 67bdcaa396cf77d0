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
    expect(lines[0]).toMatch(/SENT\s+SKIPPED\s+FAILED\s+UNKNOWN\s+PENDING\s+OPENED$/);
    expect(lines[1]).toMatch(/^c-running\s+五一读书会\s+running\s+2026-05-01 09:00 Asia\/Shanghai\s+1\/4\s+1\s+0\s+0\s+2\s+0$/);
    expect(lines[2]).toMatch(/^c-done\s+新品上架\s+completed\s+-\s+2\/3\s+0\s+1\s+0\s+0\s+1$/);
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
    expect(stdout).toMatch(/\[█+░+\]\s+50%\s+2\/4\s+sent 1 skipped 1 failed 0 unknown 0 .* running\n/);
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

describe('tixing CLI acts and reads analytics', () => {
  // Each CLI run is a fresh tsx process (seconds each on a loaded machine): these tests run several.
  const SLOW = 240_000;
  const HOUR = 3_600_000;
  const H0 = Date.parse('2026-05-01T01:00:00Z'); // 09:00 in Asia/Shanghai
  const dl = (type: string, source: string, openid: string, status: string, extra: Record<string, unknown> = {}) => ({
    _id: `${type}:${source}:${openid}`, sourceType: type, sourceId: source, openid, templateId: 'TPL_EVENT_REMINDER', data: {}, status,
    dueAt: TEST_START, attempts: 1, nextAttemptAt: TEST_START, createdAt: TEST_START, updatedAt: TEST_START, ...extra,
  });

  beforeAll(() => {
    h.emu.db.insert('campaigns', [
      { ...base, _id: 'c-ops', name: '下月新品', status: 'scheduled', sendAt: Date.now() + 30 * 24 * HOUR, counters: counters({}), updatedAt: TEST_START },
      { ...base, _id: 'c-stats', name: '漏斗', status: 'completed', completedAt: TEST_START, counters: counters({ targeted: 5, sent: 4, unknown: 1, opened: 2 }), updatedAt: TEST_START - 1 },
      { ...base, _id: 'c-retry', name: '重试', status: 'running', startedAt: TEST_START, counters: counters({ targeted: 2, sent: 1 }), updatedAt: TEST_START - 2 },
    ]);
    h.emu.db.insert('deliveries', [
      dl('campaign', 'c-stats', 'o-1', 'sent', { sentAt: H0 + 60_000, receipt: 'delivered', openedAt: H0 + 120_000 }),
      dl('campaign', 'c-stats', 'o-2', 'sent', { sentAt: H0 + 120_000, receipt: 'delivered', openedAt: H0 + 200_000 }),
      dl('campaign', 'c-stats', 'o-3', 'sent', { sentAt: H0 + HOUR + 5_000, receipt: 'delivered' }),
      dl('campaign', 'c-stats', 'o-4', 'sent', { sentAt: H0 + HOUR + 9_000, receipt: 'failed' }),
      dl('campaign', 'c-stats', 'o-5', 'unknown'),
      dl('campaign', 'c-retry', 'o-1', 'sent', { sentAt: H0 }),
      // attempted once, backing off for two minutes (real time: the CLI's clock)
      dl('campaign', 'c-retry', 'o-2', 'pending', { attempts: 1, nextAttemptAt: Date.now() + 10 * 60_000, reason: 'system_error' }),
      dl('notify', 'order-42:shipped', 'o-1', 'sent', { sentAt: H0, receipt: 'delivered', openedAt: H0 + 1000 }),
      dl('notify', 'order-42:shipped', 'o-2', 'pending', { attempts: 2, nextAttemptAt: H0 + 600_000 }),
    ]);
    const tap = (id: string, page: string, button: string, result: string) => ({
      _id: id, openid: 'o-x', templateId: 'TPL_EVENT_REMINDER', result, placement: { page, button }, source: 'client', ledger: 'none', at: TEST_START,
    });
    h.emu.db.insert('consent_log', [
      tap('t1', 'pages/events/events', 'remind', 'accept'),
      tap('t2', 'pages/events/events', 'remind', 'accept'),
      tap('t3', 'pages/events/events', 'remind', 'reject'),
      tap('t4', 'pages/index/index', 'subscribe', 'reject'),
    ]);
  }, SLOW);

  it('`campaigns` alone prints the usage, not an error', async () => {
    const r = await cli(['campaigns']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: npm run tixing -- campaigns <command>');
    expect(r.stdout).toContain('campaigns pause <id>');
    expect(r.stderr).toBe('');
    expect((await cli(['notify'])).code).toBe(0);
  }, SLOW);

  it('pause, resume and cancel a campaign with the admin pages\' rules', async () => {
    const pause = await cli(['campaigns', 'pause', 'c-ops']);
    expect([pause.code, pause.stdout.trim()]).toEqual([0, 'c-ops: scheduled → paused']);
    expect(h.emu.db.find('campaigns', { _id: 'c-ops' })[0]).toMatchObject({ status: 'paused' });
    expect((await cli(['campaigns', 'pause', 'c-ops'])).stdout).toContain('already paused');
    const resume = await cli(['campaigns', 'resume', 'c-ops']);
    expect(resume.stdout.trim()).toBe('c-ops: paused → scheduled'); // nothing sent yet: back to its schedule
    const cancel = await cli(['campaigns', 'cancel', 'c-ops']);
    expect(cancel.stdout.trim()).toBe('c-ops: scheduled → cancelled; 0 pending deliveries cancelled');
    const refused = await cli(['campaigns', 'resume', 'c-ops']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('cannot resume c-ops: campaign c-ops is cancelled: cannot resume');
    expect((await cli(['campaigns', 'pause', 'nope'])).stderr).toContain('campaign nope not found');
  }, SLOW);

  it('pause and cancel a recurring series together with its open occurrence, as the admin pages do', async () => {
    type Env = { ok: boolean; data: { id: string; firstOccurrence?: string } };
    const created = await h.emu.call<Env>('campaigns', 'o-admin', {
      action: 'create', name: '每日早报', templateId: 'TPL_EVENT_REMINDER', audience: { kind: 'all' },
      data: { thing1: '每日早报', time2: '2026年5月2日 09:00', thing3: '线上', thing4: '记得看' }, recurrence: { kind: 'daily', at: '09:00' },
    });
    expect(created.ok).toBe(true);
    const id = created.data.id;
    const scheduled = await h.emu.call<Env>('campaigns', 'o-admin', { action: 'schedule', id });
    const occ = scheduled.data.firstOccurrence!;
    expect(h.emu.db.find('campaigns', { _id: occ })[0]).toMatchObject({ status: 'scheduled' });
    expect((await cli(['campaigns', 'pause', id])).stdout.trim()).toBe(`${id}: scheduled → paused`);
    expect(h.emu.db.find('campaigns', { _id: occ })[0]).toMatchObject({ status: 'paused' });
    expect((await cli(['campaigns', 'cancel', id])).code).toBe(0);
    expect(h.emu.db.find('campaigns', { _id: occ })[0]).toMatchObject({ status: 'cancelled' });
  }, SLOW);

  it('analytics: funnel with receipts, CTR, sends per hour, conversion per placement', async () => {
    const json = JSON.parse((await cli(['campaigns', 'analytics', 'c-stats', '--json'])).stdout);
    expect(json.outcomes).toEqual({ sent: 4, skipped: 0, failed: 0, unknown: 1, cancelled: 0, pending: 0 });
    expect(json.funnel).toEqual([
      { stage: 'targeted', n: 5, rate: null },
      { stage: 'sent', n: 4, rate: 0.8 },
      { stage: 'delivered', n: 3, rate: 0.75 },
      { stage: 'opened', n: 2, rate: 2 / 3 },
    ]);
    expect(json.ctr).toBeCloseTo(2 / 3);
    expect(json.receiptFailed).toBe(1);
    expect(json.sendsPerHour).toEqual([{ hour: H0, n: 2 }, { hour: H0 + HOUR, n: 2 }]);
    expect(json.placements).toEqual([
      { page: 'pages/events/events', button: 'remind', taps: 3, accepts: 2, rate: 2 / 3 },
      { page: 'pages/index/index', button: 'subscribe', taps: 1, accepts: 0, rate: 0 },
    ]);
    const text = (await cli(['campaigns', 'analytics', 'c-stats'])).stdout;
    expect(text).toMatch(/delivered\s+3\s+75\.0% of previous/);
    expect(text).toContain('2026-05-01 09:00  ');
    expect(text).toMatch(/pages\/events\/events\s+remind\s+3\s+2\s+66\.7%/);
  }, SLOW);

  it('notify status <key>: outcomes, funnel and recipients of one key', async () => {
    const r = await cli(['notify', 'status', 'order-42:shipped']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('outcomes  sent 1, skipped 0, failed 0, unknown 0, cancelled 0, pending 1');
    expect(r.stdout).toMatch(/opened\s+1\s+100\.0% of previous/);
    expect(r.stdout).toMatch(/o-2\s+pending\s+-\s+2\s+2026-05-01 09:10/);
    const none = await cli(['notify', 'status', 'nope']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no notify deliveries with key "nope"');
  }, SLOW);

  it('watch says the last deliveries wait on a retry instead of an ETA', async () => {
    const child = spawn(TSX, [CLI, 'campaigns', 'watch', 'c-retry', '--interval', '0.2'], { env: cliEnv(), cwd: ROOT });
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
    for (let i = 0; i < 300 && !stdout.includes('running'); i++) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    await exited;
    const first = stdout.split('\n')[0] ?? '';
    expect(first).toMatch(/1\/2\s+sent 1 .* waiting on a retry, next at \d{4}-\d\d-\d\d \d\d:\d\d Asia\/Shanghai \(in (\d+s|\dm\d\ds|10m00s)\)\s+running$/);
    expect(first).not.toContain('ETA');
  }, SLOW);
});
