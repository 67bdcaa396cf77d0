// End to end (emulator + real wx-server-sdk): purpose-bound grants. A reminder holds its grant unit from creation;
// a tap recorded for an order holds one for that order. A campaign to "all" never spends a held unit (the audience
// preview shows them as held), and the reminder and the order's notification are still delivered.
import { record, type Envelope } from '../grants/e2e-helpers';
import { createCollections, DATA, dispatchRuns, seedCampaign } from '../dispatch/support';
import { useEmulator } from '../support/emulator';
import { data, FUNCTIONS_CONFIG, notifyFunctionsDir, ORDER_DATA, ORDER_TPL, team } from './support';

const TPL = 'TPL_EVENT_REMINDER';
let dir = '';
beforeAll(async () => {
  dir = await notifyFunctionsDir();
}, 300_000);
const h = useEmulator({ get functionsDir() { return dir; }, functionsConfig: FUNCTIONS_CONFIG, maxWorkers: 2 } as never);

async function tap(openid: string, templateId: string, requestId: string, extra: Record<string, unknown> = {}) {
  expect(h.emu.requestSubscribe(openid, [templateId], { [templateId]: 'accept' })).toMatchObject({ ok: true });
  expect(await record(h.emu, openid, requestId, { [templateId]: 'accept' }, extra)).toMatchObject({ ok: true });
}
const grant = (openid: string, templateId: string) => h.emu.db.find('grants', { openid, templateId })[0];

it('a campaign to "all" leaves a reminder\'s held grant alone; the reminder is delivered at its time', async () => {
  await h.emu.call('setup', 'o-admin', { demo: true });
  createCollections(h.emu);
  await tap('o-rem', TPL, 'p-rem-000001');
  const created = await h.emu.call<Envelope<{ reminderId: string; dueAt: number }>>('reminders', 'o-rem', { action: 'create', eventId: 'evt-demo-meditation' });
  if (!created.ok) throw new Error(created.error.message);
  expect(grant('o-rem', TPL)).toMatchObject({ remaining: 0, purposeHolds: ['p:reminder:evt-demo-meditation'] });
  await tap('o-free', TPL, 'p-free-00001');

  // The audience preview tells the admin that one member's grant is held (and so not reachable).
  const draft = await h.emu.call<Envelope<{ id: string }>>('campaigns', 'o-admin', {
    action: 'create', name: '周末活动', templateId: TPL, data: DATA, page: 'pages/events/events', audience: { kind: 'all' },
  });
  if (!draft.ok) throw new Error(draft.error.message);
  expect(await h.emu.call('campaigns', 'o-admin', { action: 'previewAudience', id: draft.data.id })).toEqual({
    ok: true, data: { reachable: 1, noGrant: 1, capped: 0, total: 2, held: 1 },
  });

  // The campaign runs now: it reaches the free grant only.
  const c = seedCampaign(h.emu, { templateId: TPL, audience: { kind: 'all' } });
  await dispatchRuns(h.emu, 2);
  await dispatchRuns(h.emu, 1);
  expect(h.emu.inbox('o-free')).toHaveLength(1);
  expect(h.emu.inbox('o-rem')).toHaveLength(0);
  expect(h.emu.db.find('deliveries', { sourceId: c._id }).map((d) => d.openid)).toEqual(['o-free']);
  expect(grant('o-rem', TPL)).toMatchObject({ remaining: 0, purposeHolds: ['p:reminder:evt-demo-meditation'] });
  expect(h.emu.quota('o-rem', TPL)).toBe(1);

  // The reminder's time comes: it is sent with the held unit; ledger and WeChat agree at 0.
  await h.emu.advance(created.data.dueAt - h.emu.now() + 1000);
  await dispatchRuns(h.emu, 1);
  expect(h.emu.inbox('o-rem')).toMatchObject([{ templateId: TPL }]);
  expect(h.emu.db.find('deliveries', { _id: created.data.reminderId })[0]).toMatchObject({ status: 'sent' });
  expect(grant('o-rem', TPL)).toMatchObject({ remaining: 0, purposeHolds: [], holds: [] });
  expect(h.emu.quota('o-rem', TPL)).toBe(0);
}, 120_000);

it('a tap recorded for an order holds its grant: a campaign passes it by, the order\'s notification uses it', async () => {
  await tap('o-buyer', ORDER_TPL, 'p-buy-000001', { purpose: 'order:A77' });
  expect(grant('o-buyer', ORDER_TPL)).toMatchObject({ remaining: 0, purposeHolds: ['p:order:A77'] });
  const c = seedCampaign(h.emu, { templateId: ORDER_TPL, data: { ...ORDER_DATA, phrase2: '促销' }, audience: { kind: 'all' } });
  await dispatchRuns(h.emu, 2);
  expect(h.emu.db.find('deliveries', { sourceId: c._id })).toEqual([]);
  expect(h.emu.inbox('o-buyer')).toHaveLength(0);

  data(await team(h.emu, { op: 'send', input: { key: 'order-A77-shipped', to: 'o-buyer', templateId: ORDER_TPL, data: ORDER_DATA, purpose: 'order:A77' } }));
  await dispatchRuns(h.emu, 1);
  expect(h.emu.inbox('o-buyer')).toMatchObject([{ templateId: ORDER_TPL }]);
  expect(grant('o-buyer', ORDER_TPL)).toMatchObject({ remaining: 0, purposeHolds: [], holds: [] });
  expect(h.emu.quota('o-buyer', ORDER_TPL)).toBe(0);
}, 120_000);
