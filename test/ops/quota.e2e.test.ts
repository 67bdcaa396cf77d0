// Daily quota end to end (emulator, real SDK): 45009 and the environment's -501003 pause ALL sending until midnight
// Beijing time; the messages that got the error consumed nothing and wait, pending; sending resumes by itself at
// midnight on the virtual clock; the campaigns function shows "配额已用完，… 恢复".
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, useEmulator } from '../support/emulator';
import { campaignOf, createCollections, deliveriesOf, dispatchRuns, ledger, seedAudience, seedCampaign, TPL } from '../dispatch/support';

const h = useEmulator();
const MIDNIGHT = Date.parse('2026-05-01T16:00:00Z'); // 2026-05-02 00:00 Beijing time

beforeEach(async () => {
  await h.emu.reset();
  createCollections(h.emu);
  h.emu.setFunctionEnv({});
  h.emu.clock.set(Date.parse('2026-05-01T02:00:00Z')); // 10:00 Beijing time
});

/** The operator CLI, spawned against the emulator as an operator runs it (the environment `npm start` prints). */
async function cliStatus(): Promise<string> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(TCB_|WX_|TENCENTCLOUD_|SCF_)/.test(k)) env[k] = v;
  const { stdout } = await promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'scripts', 'tixing.ts'), 'status'], { env: { ...env, ...h.emu.sdkEnv() }, cwd: ROOT, timeout: 60_000 });
  return stdout;
}

const opsState = () => h.emu.db.find('ops_state', { _id: 'dispatch' })[0] as { _id: string; quotaPausedUntil?: number; quotaErrCode?: number } | undefined;

for (const [name, faults, errCode] of [
  ['45009 (WeChat daily quota)', { dailySendQuota: 4 }, 45009],
  ['-501003 (environment request quota)', { envRequestQuota: 4 }, -501003],
] as const) {
  it(`${name}: pauses all sending until midnight Beijing time, then resumes by itself; nothing lost, nothing twice`, async () => {
    const openids = seedAudience(h.emu, 10);
    const c = seedCampaign(h.emu);
    h.emu.wechat.setFaults(faults);
    const [first] = await dispatchRuns(h.emu);
    expect(first?.ok).toBe(true);
    const delivered = () => openids.filter((o) => h.emu.inbox(o).length > 0);
    // -501003 counts every cloud call of the environment: the dispatcher's wake-ups (addDelayedFunctionTask) that
    // got through used some of the 4; 45009 counts sends only.
    const sent = errCode === 45009 ? 4 : 4 - h.emu.timers.delayed().length;
    expect(sent).toBeGreaterThan(0);
    expect(delivered()).toHaveLength(sent);
    // The refused ones consumed nothing: pending until midnight, grant back on both sides, no attempt counted.
    const waiting = deliveriesOf(h.emu, c._id).filter((d) => d.status === 'pending');
    expect(waiting).toHaveLength(10 - sent);
    for (const d of waiting) {
      expect(d).toMatchObject({ nextAttemptAt: MIDNIGHT, attempts: 0, errCode });
      expect(ledger(h.emu, d.openid)).toBe(1);
      expect(h.emu.quota(d.openid, TPL)).toBe(1);
    }
    expect(opsState()).toMatchObject({ quotaPausedUntil: MIDNIGHT, quotaErrCode: errCode });

    // Paused: a reminder due now waits too (ALL sending), and no call reaches WeChat.
    const before = h.emu.wechat.stats().sends;
    h.emu.clock.set(Date.parse('2026-05-01T15:59:00Z'));
    const t = h.emu.now();
    const [r] = seedAudience(h.emu, 1, { from: 100 });
    h.emu.db.insert('deliveries', [{
      _id: `reminder:evt-1:${r}`, sourceType: 'reminder', sourceId: 'evt-1', openid: r!, templateId: TPL, data: deliveriesOf(h.emu, c._id)[0]!.data,
      status: 'pending', dueAt: t, attempts: 0, nextAttemptAt: t, createdAt: t, updatedAt: t,
    }]);
    const [paused] = await dispatchRuns(h.emu);
    expect(paused?.result).toMatchObject({ claimed: 0, sent: 0, quotaPausedUntil: MIDNIGHT });
    expect(h.emu.wechat.stats().sends).toBe(before);
    expect(h.emu.inbox(r!)).toHaveLength(0);
    const list = await h.emu.call<{ ok: boolean; data: { quotaPause: { until: number; message: string } | null } }>('campaigns', 'o-admin', { action: 'list' });
    expect(list.data.quotaPause).toMatchObject({ until: MIDNIGHT, message: '配额已用完，2026-05-02 00:00 北京时间 恢复' });
    // The emulator console and the operator CLI say the same.
    const consoleView = (await (await fetch(`${h.emu.url}/console/api/campaigns`)).json()) as { quotaPause: unknown };
    expect(consoleView.quotaPause).toEqual({ until: MIDNIGHT, errCode });
    if (errCode === 45009) {
      // The CLI reads the wall clock: the pause it shows is the one in the database only while that is in the future.
      const state = opsState()!;
      h.emu.db.replace('ops_state', { ...state, quotaPausedUntil: Date.parse('2099-01-01T16:00:00Z') });
      expect(await cliStatus()).toContain('sending   paused for quota until 2099-01-02 00:00 北京时间 (errcode 45009)');
      h.emu.db.replace('ops_state', { ...state });
    }

    // Midnight: the quota is fresh (4 more), sending resumes by itself, and pauses again until the next midnight.
    h.emu.clock.set(MIDNIGHT + 5000);
    const armsBefore = h.emu.timers.delayed().length;
    await dispatchRuns(h.emu);
    const sentToday = errCode === 45009 ? 4 : 4 - (h.emu.timers.delayed().length - armsBefore);
    expect(sentToday).toBeGreaterThan(0);
    expect(delivered().length + h.emu.inbox(r!).length).toBe(sent + sentToday); // the reminder goes too, within the day's 4
    expect(opsState()?.quotaPausedUntil).toBe(MIDNIGHT + 86_400_000);
    h.emu.wechat.setFaults({});
    h.emu.clock.set(MIDNIGHT + 86_400_000 + 5000);
    await dispatchRuns(h.emu);
    for (const o of [...openids, r!]) expect(h.emu.inbox(o)).toHaveLength(1);
    expect(campaignOf(h.emu, c._id)).toMatchObject({ status: 'completed', counters: { targeted: 10, sent: 10, failed: 0 } });
    const after = await h.emu.call<{ data: { quotaPause: unknown } }>('campaigns', 'o-admin', { action: 'list' });
    expect(after.data.quotaPause).toBeNull();
  });
}
