// End to end (emulator + real wx-server-sdk): the example team function `orderStatus` — the buyer places and pays
// (the pay tap holds a grant for the order), the merchant ships, the buyer gets one card whatever the retries.
import { counts, record, type Envelope } from '../grants/e2e-helpers';
import { createCollections, dispatchRuns } from '../dispatch/support';
import { useEmulator } from '../support/emulator';
import { data, FUNCTIONS_CONFIG, notifyFunctionsDir, ORDER_TPL } from './support';

let dir = '';
beforeAll(async () => {
  dir = await notifyFunctionsDir();
}, 300_000);
const h = useEmulator({ get functionsDir() { return dir; }, functionsConfig: FUNCTIONS_CONFIG, maxWorkers: 2 } as never);

type Order = { _id: string; status: string; openid: string };
const order = <T = { order: Order }>(openid: string, event: Record<string, unknown>) => h.emu.call<Envelope<T>>('orderStatus', openid, event);

it('place → pay with the grant held for the order → ship → one card; retries send nothing more; others are refused', async () => {
  createCollections(h.emu);
  const { order: o } = data(await order('o-buyer', { action: 'place', item: '手冲咖啡豆 250g', amountFen: 12800 }));
  expect(o).toMatchObject({ status: 'created', openid: 'o-buyer' });
  h.emu.requestSubscribe('o-buyer', [ORDER_TPL], { [ORDER_TPL]: 'accept' });
  await record(h.emu, 'o-buyer', `pay-${o._id}`, { [ORDER_TPL]: 'accept' }, { purpose: `order:${o._id}` });
  expect(data(await order('o-buyer', { action: 'pay', id: o._id })).order.status).toBe('paid');

  // Only the merchant (an admin) moves the order on; another user cannot even read it.
  expect(await order('o-buyer', { action: 'advance', id: o._id, status: 'shipped' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  expect(await order('o-other', { action: 'get', id: o._id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  expect(await order('o-admin', { action: 'advance', id: o._id, status: 'delivered' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

  const shipped = data(await order<{ order: Order; notify: { key: string } }>('o-admin', { action: 'advance', id: o._id, status: 'shipped' }));
  expect(shipped).toMatchObject({ order: { status: 'shipped' }, notify: { key: `order-${o._id}-shipped`, recipients: 1, purpose: `order:${o._id}` } });
  expect(data(await order('o-admin', { action: 'advance', id: o._id, status: 'shipped' }))).toEqual(shipped);
  await dispatchRuns(h.emu, 2);
  expect(h.emu.inbox('o-buyer')).toMatchObject([{ templateId: ORDER_TPL, page: `pages/order/order?id=${o._id}`, rendered: expect.stringContaining('订单状态:已发货') }]);
  const s = data(await order<{ recipients: { status: string }[] }>('o-admin', { action: 'notifyStatus', id: o._id, status: 'shipped' }));
  expect(s.recipients).toMatchObject([{ status: 'sent' }]);
  // Delivered: no grant is left (the one held for the order was used), so status says why it was not sent.
  data(await order('o-admin', { action: 'advance', id: o._id, status: 'delivered' }));
  await dispatchRuns(h.emu, 1);
  expect(h.emu.inbox('o-buyer')).toHaveLength(1);
  const d = data(await order<{ recipients: { status: string; reason: string }[] }>('o-admin', { action: 'notifyStatus', id: o._id, status: 'delivered' }));
  expect(d.recipients).toMatchObject([{ status: 'skipped', reason: 'no_grant' }]);

  const before = counts(h.emu);
  for (const event of [{ action: 'place', item: '', amountFen: 1 }, { action: 'place', item: 'x', amountFen: -1 }, { action: 'pay', id: { $ne: '' } }, { action: 'advance', id: o._id, status: 'lost' }, { action: 'nope' }]) {
    expect(await order('o-admin', event)).toMatchObject({ ok: false, error: { code: expect.stringMatching(/INVALID_INPUT|UNKNOWN_ACTION/) } });
  }
  expect(counts(h.emu)).toEqual(before);
}, 120_000);
