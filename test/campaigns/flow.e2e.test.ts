// End to end (emulator + real wx-server-sdk): the admin's whole path — create → schedule → the clock reaches sendAt
// → the timer-driven `dispatch` sends → stats → a recipient opens the message (track) → stats show the open.
import { newGrantDoc } from '../../core/grants/model';
import { TEST_START, useEmulator } from '../support/emulator';

const h = useEmulator();
type Env = { ok: boolean; data?: any; error?: { code: string; message: string } };
const T = 'TPL_EVENT_REMINDER';

it('runs a campaign from draft to stats with opens', async () => {
  const emu = h.emu;
  expect(await emu.call('setup', 'o-admin', {})).toMatchObject({ ok: true });
  for (const o of ['o-alice', 'o-bob']) emu.requestSubscribe(o, [T], { [T]: 'accept' });
  emu.db.insert('grants', [
    { ...newGrantDoc('o-alice', T, 'one-time', TEST_START), remaining: 1 },
    { ...newGrantDoc('o-bob', T, 'one-time', TEST_START), remaining: 1 },
    { ...newGrantDoc('o-carol', T, 'one-time', TEST_START), remaining: 0 },
  ]);
  emu.db.insert('users', [{ _id: 'o-alice', nickname: '爱丽丝' }]);
  const admin = (data: Record<string, unknown>) => emu.call<Env>('campaigns', 'o-admin', data);

  const created = await admin({
    action: 'create', name: '五一读书会', templateId: T, page: 'pages/index/index', audience: { kind: 'all' },
    data: { thing1: '周末读书会', time2: '2026-05-01 10:00', thing3: '图书馆三楼', thing4: '{{nickname}}，记得带书' },
  });
  const id = created.data.id as string;
  expect(await admin({ action: 'previewAudience', id })).toEqual({ ok: true, data: { reachable: 2, noGrant: 1, capped: 0, total: 3, held: 0 } });
  // The emulator starts at 08:00 Beijing time; 09:00 is 01:00Z.
  expect(await admin({ action: 'schedule', id, sendAt: '2026-05-01 09:00' })).toMatchObject({ ok: true, data: { sendAtUtc: '2026-05-01T01:00:00.000Z' } });

  await emu.advance(30 * 60_000); // 08:30: not yet
  expect(emu.inbox('o-alice')).toHaveLength(0);
  expect(emu.db.find('campaigns', { _id: id })[0]!.status).toBe('scheduled');

  for (let i = 0; i < 30 && emu.db.find('campaigns', { _id: id })[0]!.status !== 'completed'; i++) await emu.advance(60_000);
  expect(emu.db.find('campaigns', { _id: id })[0]).toMatchObject({ status: 'completed', counters: { targeted: 2, sent: 2 } });
  const [msg] = emu.inbox('o-alice');
  expect(msg!.data.thing4).toEqual({ value: '爱丽丝，记得带书' });
  expect(emu.inbox('o-bob')[0]!.data.thing4).toEqual({ value: '用户，记得带书' });
  expect(emu.inbox('o-carol')).toHaveLength(0);

  // Alice taps the card: the page query carries the delivery id, the page reports the open.
  const deliveryId = decodeURIComponent(/[?&]deliveryId=([^&]+)/.exec(msg!.page ?? '')![1]!);
  expect(deliveryId).toBe(`campaign:${id}:o-alice`);
  expect(await emu.call('track', 'o-alice', { action: 'open', deliveryId })).toEqual({ ok: true, data: { counted: true } });

  // WeChat's sent pushes (queued by the test emulator) reach subscriptionEvents: both receipts join.
  await emu.pushes.deliver();
  expect(await admin({ action: 'stats', id })).toEqual({
    ok: true,
    data: { targeted: 2, sent: 2, skipped: {}, failed: {}, unknown: 0, opened: 1, receipts: { delivered: 2, failed: 0, awaiting: 0 }, pending: 0, cancelled: 0, status: 'completed' },
  });
  const list = await admin({ action: 'list' });
  expect(list.data.campaigns[0]).toMatchObject({ id, status: 'completed', progress: { targeted: 2, sent: 2, pending: 0 }, opened: 1 });
}, 180_000);
