// End to end (emulator + real wx-server-sdk): a team's own function (fixture `teamnotify`, the typed client) calls
// `notify` with no cloud-call token; `dispatch` sends. Idempotent by key, CONFLICT on a changed payload, cancel
// (also racing the dispatcher and racing the send itself), status explains each outcome, refusals write nothing.
import { counts, record } from '../grants/e2e-helpers';
import { seedGrant } from '../sending/e2e-support';
import { createCollections, dispatchRuns } from '../dispatch/support';
import { useEmulator, type Envelope } from '../support/emulator';
import { data, FUNCTIONS_CONFIG, notifyFunctionsDir, ORDER_DATA, ORDER_TPL, team } from './support';

let dir = '';
beforeAll(async () => {
  dir = await notifyFunctionsDir();
}, 300_000);
const h = useEmulator({ get functionsDir() { return dir; }, functionsConfig: FUNCTIONS_CONFIG, maxWorkers: 2 } as never);

beforeEach(async () => {
  await h.emu.reset();
  createCollections(h.emu);
});

async function waitUntil(cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

type Status = { state: string; counts: Record<string, number>; recipients: { openid: string; status: string; reason?: string; errCode?: number; why: string }[] };
type Cancel = { cancelled: number; notCancelled: { openid: string; status: string }[] };

const send = (key: string, to: string | string[], extra: Record<string, unknown> = {}) =>
  team(h.emu, { op: 'send', input: { key, to, templateId: ORDER_TPL, data: ORDER_DATA, page: 'pages/order/order?id=A20260501001', ...extra } });

it('a team function sends without a cloud-call token; same key → one message and the first answer; changed payload → CONFLICT; status explains', async () => {
  seedGrant(h.emu, 'o-ann', ORDER_TPL, 1);
  const first = await send('order-1-shipped', ['o-ann', 'o-ben']);
  expect(first).toMatchObject({ ok: true, data: { key: 'order-1-shipped', templateId: ORDER_TPL, recipients: 2 } });
  // The notify invocation was a function-to-function call: SOURCE chained with scf, no cloud-call token.
  const inv = h.emu.invocations().filter((i) => i.fn === 'notify');
  expect(inv.at(-1)).toMatchObject({ source: 'wx_client,scf' });
  expect(await send('order-1-shipped', ['o-ben', 'o-ann'])).toEqual(first);
  expect(await send('order-1-shipped', ['o-ann', 'o-ben'], { data: { ...ORDER_DATA, phrase2: '已签收' } })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  expect(await send('order-1-shipped', ['o-ann'])).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  expect(h.emu.db.find('deliveries', { sourceType: 'notify' })).toHaveLength(2);

  await dispatchRuns(h.emu, 2);
  expect(h.emu.inbox('o-ann')).toHaveLength(1);
  expect(h.emu.inbox('o-ann')[0]).toMatchObject({ templateId: ORDER_TPL, page: 'pages/order/order?id=A20260501001' });
  expect(h.emu.inbox('o-ben')).toHaveLength(0);
  // Again after it was sent: the first answer, nothing queued, nothing sent again.
  expect(await send('order-1-shipped', ['o-ann', 'o-ben'])).toEqual(first);
  await dispatchRuns(h.emu, 2);
  expect(h.emu.inbox('o-ann')).toHaveLength(1);
  expect(h.emu.wechat.stats().sends).toBe(1);

  const s = data(await team<Status>(h.emu, { op: 'status', key: 'order-1-shipped' }));
  expect(s.counts).toMatchObject({ sent: 1, skipped: 1 });
  expect(s.recipients).toEqual([
    expect.objectContaining({ openid: 'o-ann', status: 'sent', why: expect.stringMatching(/^sent/) }),
    expect.objectContaining({ openid: 'o-ben', status: 'skipped', reason: 'no_grant', why: expect.stringContaining('no subscription left') }),
  ]);
});

it('status explains a WeChat refusal (errcode) and a pending message; admins may read it, mini program users may not call notify', async () => {
  seedGrant(h.emu, 'o-cat', ORDER_TPL, 1, false); // the ledger says 1, WeChat says 0: WeChat answers 43101
  data(await send('order-2', 'o-cat'));
  data(await send('order-3', 'o-cat', { sendAt: { local: '2026-05-02 10:00', zone: 'Asia/Shanghai' } }));
  await dispatchRuns(h.emu);
  const s2 = data(await h.emu.call<Envelope<Status>>('notify', 'o-admin', { action: 'status', key: 'order-2' }));
  expect(s2.recipients[0]).toMatchObject({ status: 'skipped', reason: 'no_grant', errCode: 43101 });
  const s3 = data(await h.emu.call<Envelope<Status>>('notify', 'o-admin', { action: 'status', key: 'order-3' }));
  expect(s3.recipients[0]).toMatchObject({ status: 'pending', why: 'queued: due at 2026-05-02T02:00:00.000Z' });

  const before = counts(h.emu);
  for (const event of [{ action: 'status', key: 'order-2' }, { action: 'cancel', key: 'order-3' }, { action: 'send', key: 'x', to: 'o-cat', templateId: ORDER_TPL, data: ORDER_DATA }, { action: 'nope' }]) {
    expect(await h.emu.call('notify', 'o-cat', event)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  }
  expect(counts(h.emu)).toEqual(before);
});

it('cancel: nothing is sent; a repeated send of the cancelled key answers the same and arms nothing; the held grant comes back', async () => {
  // The tap at purchase (the order page) holds the unit for purpose order:4.
  h.emu.requestSubscribe('o-dan', [ORDER_TPL], { [ORDER_TPL]: 'accept' });
  expect(await record(h.emu, 'o-dan', 'tap-0000004', { [ORDER_TPL]: 'accept' }, { purpose: 'order:4' })).toMatchObject({ ok: true });
  expect(h.emu.db.find('grants', { openid: 'o-dan' })[0]).toMatchObject({ remaining: 0, purposeHolds: ['p:order:4'] });
  const first = await send('order-4-shipped', 'o-dan', { sendAt: h.emu.now() + 3600_000, purpose: 'order:4' });
  const c = data(await team<Cancel>(h.emu, { op: 'cancel', key: 'order-4-shipped' }));
  expect(c).toEqual({ key: 'order-4-shipped', cancelled: 1, notCancelled: [] });
  expect(h.emu.db.find('grants', { openid: 'o-dan' })[0]).toMatchObject({ remaining: 1, purposeHolds: [] });
  expect(data(await team<Cancel>(h.emu, { op: 'cancel', key: 'order-4-shipped' }))).toEqual(c);
  expect(h.emu.db.find('grants', { openid: 'o-dan' })[0]).toMatchObject({ remaining: 1 });
  expect(await send('order-4-shipped', 'o-dan', { sendAt: first.ok ? first.data.dueAt : 0, purpose: 'order:4' })).toEqual(first);
  expect(h.emu.db.find('deliveries', { sourceId: 'order-4-shipped' })).toMatchObject([{ status: 'cancelled' }]);
  await h.emu.advance(2 * 3600_000);
  expect(h.emu.inbox('o-dan')).toHaveLength(0);
  const s = data(await team<Status>(h.emu, { op: 'status', key: 'order-4-shipped' }));
  expect(s).toMatchObject({ state: 'cancelled', recipients: [{ openid: 'o-dan', status: 'cancelled', why: 'not sent: cancelled before it was sent' }] });
});

it('a cancel racing the dispatcher: nothing it reported cancelled is ever sent; the rest were already being sent', async () => {
  const to = Array.from({ length: 300 }, (_, i) => `o-r${String(i).padStart(3, '0')}`);
  for (const o of to) seedGrant(h.emu, o, ORDER_TPL, 1);
  data(await send('order-race', to));
  // WeChat answers slowly, so the cancel lands while the dispatcher is part-way through the recipients.
  h.emu.wechat.setFaults({ latency: { fixedMs: 40 } });
  const runs = dispatchRuns(h.emu, 1);
  await waitUntil(() => h.emu.wechat.stats().sends > 0);
  const c = data(await team<Cancel>(h.emu, { op: 'cancel', key: 'order-race' }));
  const sentAtCancel = h.emu.wechat.stats().sends;
  await runs;
  h.emu.wechat.setFaults({});
  // The race really happened: some were past pending when the cancel landed, some were still pending.
  expect(c.cancelled).toBeGreaterThan(0);
  expect(c.notCancelled.length).toBeGreaterThan(0);
  await dispatchRuns(h.emu, 2);
  const cancelled = new Set(h.emu.db.find('deliveries', { sourceId: 'order-race', status: 'cancelled' }).map((d) => d.openid as string));
  expect(cancelled.size).toBe(c.cancelled);
  const inboxed = to.filter((o) => h.emu.inbox(o).length > 0);
  expect(inboxed.filter((o) => cancelled.has(o))).toEqual([]);
  const notCancelled = new Set(c.notCancelled.map((n) => n.openid));
  expect(inboxed.every((o) => notCancelled.has(o))).toBe(true);
  expect(c.cancelled + c.notCancelled.length).toBe(300);
  expect(h.emu.wechat.stats().sends).toBeLessThanOrEqual(c.notCancelled.length);
  expect(h.emu.wechat.stats().sends).toBeGreaterThanOrEqual(sentAtCancel);
}, 60_000);

it('a cancel racing the send itself: whatever the interleaving, nothing goes out after the cancel answered', async () => {
  for (let round = 0; round < 4; round++) {
    const key = `order-sr-${round}`;
    const to = Array.from({ length: 40 }, (_, i) => `o-s${round}${String(i).padStart(2, '0')}`);
    for (const o of to) seedGrant(h.emu, o, ORDER_TPL, 1);
    const sending = send(key, to);
    let c: Envelope<Cancel> | undefined;
    await new Promise((r) => setTimeout(r, round * 40));
    for (let i = 0; i < 200; i++) {
      c = await team<Cancel>(h.emu, { op: 'cancel', key });
      if (c.ok || c.error.code !== 'NOT_FOUND') break;
    }
    expect(c?.ok).toBe(true);
    await sending;
    await dispatchRuns(h.emu, 2);
    const reported = new Set(c?.ok ? c.data.notCancelled.map((n) => n.openid) : []);
    const inboxed = to.filter((o) => h.emu.inbox(o).length > 0);
    expect(inboxed.filter((o) => !reported.has(o))).toEqual([]);
    // The request is cancelled and nothing of it is left armed.
    expect(h.emu.db.find('notify_requests', { _id: key })[0]).toMatchObject({ state: 'cancelled' });
    expect(h.emu.db.find('deliveries', { sourceId: key, status: 'pending' })).toEqual([]);
  }
}, 90_000);

it('bad input to every action: a clear code, nothing written', async () => {
  seedGrant(h.emu, 'o-eve', ORDER_TPL, 1);
  const before = counts(h.emu);
  const ok = { key: 'k-bad', to: 'o-eve', templateId: ORDER_TPL, data: ORDER_DATA };
  const cases: [Record<string, unknown>, string, RegExp?][] = [
    [{ action: 'send', ...ok, key: undefined }, 'INVALID_INPUT'],
    [{ action: 'send', ...ok, key: 'has space' }, 'INVALID_INPUT'],
    [{ action: 'send', ...ok, key: 'x'.repeat(65) }, 'INVALID_INPUT'],
    [{ action: 'send', ...ok, to: [] }, 'INVALID_INPUT'],
    [{ action: 'send', ...ok, to: Array.from({ length: 1001 }, (_, i) => `o-${i}`) }, 'INVALID_INPUT'],
    [{ action: 'send', ...ok, to: { $ne: '' } }, 'INVALID_INPUT'],
    [{ action: 'send', ...ok, templateId: 'TPL_NOPE' }, 'UNKNOWN_TEMPLATE'],
    [{ action: 'send', ...ok, data: { ...ORDER_DATA, phrase2: 'shipped now' } }, 'VALIDATION_FAILED', /phrase2/],
    [{ action: 'send', ...ok, data: { ...ORDER_DATA, nope9: 'x' } }, 'VALIDATION_FAILED', /nope9/],
    [{ action: 'send', ...ok, data: { ...ORDER_DATA, phrase2: '{{mood}}' } }, 'VALIDATION_FAILED', /phrase2/],
    [{ action: 'send', ...ok, data: 'x' }, 'INVALID_INPUT'],
    [{ action: 'send', ...ok, page: '/pages/x?y=<z>' }, 'INVALID_INPUT'],
    [{ action: 'send', ...ok, sendAt: '2020-01-01T00:00:00Z' }, 'INVALID_INPUT'],
    [{ action: 'send', ...ok, sendAt: 'tomorrow' }, 'INVALID_INPUT'],
    [{ action: 'send', ...ok, sendAt: { local: '2026-02-30 10:00', zone: 'Asia/Shanghai' } }, 'INVALID_INPUT'],
    [{ action: 'send', ...ok, sendAt: { local: '2026-05-02 10:00', zone: 'Mars/Olympus' } }, 'INVALID_INPUT'],
    [{ action: 'send', ...ok, purpose: 'a b' }, 'INVALID_INPUT'],
    [{ action: 'send', ...ok, normalise: 'yes' }, 'INVALID_INPUT'],
    [{ action: 'send', ...ok, extra: 1 }, 'UNKNOWN_FIELD'],
    [{ action: 'status', key: 'k-none' }, 'NOT_FOUND'],
    [{ action: 'status', key: { $gt: '' } }, 'INVALID_INPUT'],
    [{ action: 'status' }, 'INVALID_INPUT'],
    [{ action: 'cancel', key: 'k-none' }, 'NOT_FOUND'],
    [{ action: 'cancel', key: 'x'.repeat(100) }, 'INVALID_INPUT'],
    [{ action: 'resend', key: 'k' }, 'UNKNOWN_ACTION'],
    [{}, 'MISSING_ACTION'],
  ];
  for (const [event, code, names] of cases) {
    const res = await team(h.emu, { op: 'raw', data: event });
    expect([event, res]).toEqual([event, expect.objectContaining({ ok: false, error: expect.objectContaining({ code }) })]);
    if (names && !res.ok) expect(res.error.message).toMatch(names);
  }
  expect(counts(h.emu)).toEqual(before);
}, 60_000);
