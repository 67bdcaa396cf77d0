// Daily quota and inline sends, end to end (emulator, real SDK): while sending is paused for the quota
// (`ops_state/dispatch`), a test send from the campaigns or the templates function never reaches WeChat and answers
// QUOTA_PAUSED with the reset time; a notify from an admin waits, pending, and the dispatcher sends it once after
// midnight Beijing time; and a test send that meets 45009 itself pauses every sender.
import { createCollections, DATA, dispatchRuns, TPL } from '../dispatch/support';
import { ledger, seedGrant } from '../sending/e2e-support';
import { useEmulator } from '../support/emulator';

const h = useEmulator();
const MIDNIGHT = Date.parse('2026-05-01T16:00:00Z'); // 2026-05-02 00:00 Beijing time
type Env = { ok: boolean; data?: any; error?: { code: string; message: string; details?: any } };
const admin = (fn: string, event: Record<string, unknown>) => h.emu.call<Env>(fn, 'o-admin', event);
const opsState = () => h.emu.db.find('ops_state', { _id: 'dispatch' })[0] as { quotaPausedUntil?: number; quotaErrCode?: number } | undefined;

beforeEach(async () => {
  await h.emu.reset();
  createCollections(h.emu);
  h.emu.setFunctionEnv({});
  h.emu.clock.set(Date.parse('2026-05-01T02:00:00Z')); // 10:00 Beijing time
});

function pause(): void {
  h.emu.db.insert('ops_state', [{ _id: 'dispatch', quotaPausedUntil: MIDNIGHT, quotaErrCode: 45009, quotaSince: h.emu.now() }]);
}

async function draft(): Promise<string> {
  const r = await admin('campaigns', { action: 'create', name: '读书会', templateId: TPL, data: DATA, page: 'pages/index/index', audience: { kind: 'all' } });
  expect(r).toMatchObject({ ok: true });
  return r.data.id as string;
}

it('paused: test sends (campaigns and templates) answer QUOTA_PAUSED with the reset time; nothing reaches WeChat, nothing is written', async () => {
  seedGrant(h.emu, 'o-admin', TPL, 1);
  const id = await draft();
  pause();
  const r = await admin('campaigns', { action: 'testSend', id });
  expect(r).toMatchObject({ ok: false, error: { code: 'QUOTA_PAUSED', details: { until: MIDNIGHT, errCode: 45009 } } });
  expect(r.error!.message).toContain('paused for quota until 2026-05-02 00:00 UTC+8');
  const t = await admin('templates', { action: 'testSend', templateId: TPL, data: DATA, page: 'pages/index/index' });
  expect(t).toMatchObject({ ok: false, error: { code: 'QUOTA_PAUSED', details: { until: MIDNIGHT } } });
  expect(h.emu.wechat.stats().sends).toBe(0);
  expect(h.emu.db.find('deliveries', { sourceType: 'test' })).toHaveLength(0);
  expect(ledger(h.emu, 'o-admin', TPL)).toBe(1);
  expect(h.emu.quota('o-admin', TPL)).toBe(1);

  // After the reset the same test send goes out.
  h.emu.clock.set(MIDNIGHT + 1000);
  const after = await admin('campaigns', { action: 'testSend', id });
  expect(after).toMatchObject({ ok: true });
  expect(after.data.results[0]).toMatchObject({ outcome: 'sent' });
  expect(h.emu.inbox('o-admin')).toHaveLength(1);
});

it('paused: a notify from an admin is queued, not sent, and goes out once after midnight', async () => {
  seedGrant(h.emu, 'o-ann', TPL, 1);
  pause();
  const r = await admin('notify', { action: 'send', key: 'quota-1', to: 'o-ann', templateId: TPL, data: DATA, page: 'pages/index/index' });
  expect(r).toMatchObject({ ok: true });
  await dispatchRuns(h.emu, 2);
  expect(h.emu.wechat.stats().sends).toBe(0);
  expect(h.emu.db.find('deliveries', { sourceType: 'notify', sourceId: 'quota-1' })[0]).toMatchObject({ status: 'pending' });
  h.emu.clock.set(MIDNIGHT + 5000);
  await dispatchRuns(h.emu, 2);
  expect(h.emu.inbox('o-ann')).toHaveLength(1);
  await dispatchRuns(h.emu, 2);
  expect(h.emu.inbox('o-ann')).toHaveLength(1);
  expect(h.emu.wechat.stats().sends).toBe(1);
});

it('a test send that meets 45009 itself pauses all sending; the next test send does not call WeChat', async () => {
  seedGrant(h.emu, 'o-admin', TPL, 2);
  const id = await draft();
  h.emu.wechat.setFaults({ dailySendQuota: 0 });
  const first = await admin('campaigns', { action: 'testSend', id });
  expect(first).toMatchObject({ ok: true });
  // The first tester met 45009; the second (config testWhitelist: o-admin, o-dev) was held back by the pause it began.
  expect(first.data.results).toEqual([
    expect.objectContaining({ openid: 'o-admin', outcome: 'daily_quota', errCode: 45009 }),
    { openid: 'o-dev', outcome: 'quota_paused' },
  ]);
  expect(opsState()).toMatchObject({ quotaPausedUntil: MIDNIGHT, quotaErrCode: 45009 });
  expect(h.emu.wechat.stats().sends).toBe(1);
  expect(await admin('campaigns', { action: 'testSend', id })).toMatchObject({ ok: false, error: { code: 'QUOTA_PAUSED' } });
  expect(h.emu.wechat.stats().sends).toBe(1);
  // The grant the refused send reserved was given back.
  expect(ledger(h.emu, 'o-admin', TPL)).toBe(2);
});
