// End to end: an open is counted once wherever the message lands (any page; the mini program's app-level hook
// sends the page's deliveryId to track.open), only by its own recipient, for campaigns and notify deliveries alike;
// click-through per campaign and per notify key (track.ctr, admins).
import { useEmulator, type Envelope } from '../support/emulator';
import { campaignOf, createCollections, deliveriesOf, drain, seedAudience, seedCampaign } from '../dispatch/support';

const h = useEmulator();

beforeEach(async () => {
  await h.emu.reset();
  createCollections(h.emu);
});

const track = (openid: string, event: Record<string, unknown>) => h.emu.call<Envelope>('track', openid, event);
/** The query of the page a message opens, decoded as the app hook reads it. */
const deliveryIdOf = (page: string | undefined) => decodeURIComponent(new URLSearchParams((page ?? '').split('?')[1] ?? '').get('deliveryId') ?? '');

it('a campaign that opens a non-events page: the open counts once, only for its recipient; CTR per campaign', async () => {
  const [a, b] = seedAudience(h.emu, 2);
  const camp = seedCampaign(h.emu, { page: 'pages/subscriptions/subscriptions?from=msg' });
  await drain(h.emu, camp._id);
  const msg = h.emu.inbox(a!)[0]!;
  expect(msg.page).toMatch(/^pages\/subscriptions\/subscriptions\?from=msg&deliveryId=/);
  const id = deliveryIdOf(msg.page);
  expect(id).toBe(`campaign:${camp._id}:${a}`);

  expect(await track(b!, { action: 'open', deliveryId: id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  expect(await track(a!, { action: 'open', deliveryId: id })).toEqual({ ok: true, data: { counted: true } });
  expect(await track(a!, { action: 'open', deliveryId: id })).toEqual({ ok: true, data: { counted: false } });
  expect(campaignOf(h.emu, camp._id).counters.opened).toBe(1);
  expect(deliveriesOf(h.emu, camp._id).filter((d) => d.openedAt)).toHaveLength(1);
  expect(await h.emu.call('campaigns', 'o-admin', { action: 'stats', id: camp._id })).toMatchObject({ ok: true, data: { sent: 2, opened: 1 } });
  expect(await track('o-admin', { action: 'ctr', sourceType: 'campaign', sourceId: camp._id })).toEqual({
    ok: true, data: { sourceType: 'campaign', sourceId: camp._id, sent: 2, opened: 1, ctr: 0.5 },
  });
});

it('a notify delivery: its open counts once; CTR per notify key', async () => {
  const now = h.emu.now();
  const d = (openid: string, status: string) => ({
    _id: `notify:order-42-shipped:${openid}`, sourceType: 'notify', sourceId: 'order-42-shipped', openid, templateId: 'TPL_EVENT_REMINDER',
    data: {}, status, page: `pages/index/index?orderId=42&deliveryId=notify:order-42-shipped:${openid}`, dueAt: now, attempts: 1,
    nextAttemptAt: now, createdAt: now, updatedAt: now,
  });
  h.emu.db.insert('deliveries', [d('o-buyer', 'sent'), d('o-other', 'sent'), d('o-third', 'sent'), d('o-fourth', 'skipped')]);
  expect(await track('o-buyer', { action: 'open', deliveryId: deliveryIdOf(d('o-buyer', 'sent').page) })).toEqual({ ok: true, data: { counted: true } });
  expect(await track('o-buyer', { action: 'open', deliveryId: 'notify:order-42-shipped:o-buyer' })).toEqual({ ok: true, data: { counted: false } });
  expect(await track('o-admin', { action: 'ctr', sourceType: 'notify', sourceId: 'order-42-shipped' })).toMatchObject({ ok: true, data: { sent: 3, opened: 1, ctr: 0.3333 } });
});

it('bad input to track.ctr: a clear code, nothing written', async () => {
  const before = h.emu.db.find('deliveries', {});
  expect(await track('o-alice', { action: 'ctr', sourceType: 'campaign', sourceId: 'c1' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  for (const bad of [{ sourceType: 'email', sourceId: 'x' }, { sourceType: 'notify', sourceId: '' }, { sourceType: 'notify', sourceId: { $gt: '' } }, { sourceType: 'notify' }]) {
    expect(await track('o-admin', { action: 'ctr', ...bad })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  }
  expect(await track('o-alice', { action: 'open', deliveryId: 'campaign:none:o-alice' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  expect(h.emu.db.find('deliveries', {})).toEqual(before);
});
