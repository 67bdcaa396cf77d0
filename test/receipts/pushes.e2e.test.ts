// End to end (emulator + real wx-server-sdk): WeChat's message pushes as the emulator delivers them to the function
// configured in config/message-push.json — popup after a requestSubscribeMessage answer, change after the user sets
// 拒收, sent after every accepted send — and sent receipts joined to their deliveries by (openid, msgid).
import type { Delivery } from '../../core/delivery';
import type { PushMessage } from '../../emulator/contracts';
import { useEmulator, type Emulator } from '../support/emulator';
import { createCollections, dispatchRuns, seedAudience, seedCampaign, TPL } from '../dispatch/support';
import { remaining } from '../grants/e2e-helpers';

const T2 = 'TPL_ORDER_STATUS';

const deliveries = (emu: Emulator, sourceId: string) => emu.db.find('deliveries', { sourceId }) as unknown as Delivery[];
const stats = async (emu: Emulator, id: string) =>
  (await emu.call<{ ok: true; data: { sent: number; receipts: { delivered: number; failed: number; awaiting: number } } }>('campaigns', 'o-admin', { action: 'stats', id })).data;

describe('message push (e2e)', () => {
  const h = useEmulator();
  beforeEach(async () => {
    await h.emu.reset();
    expect(await h.emu.call('setup', 'o-admin', {})).toMatchObject({ ok: true });
    createCollections(h.emu);
  });

  it('popup: the user\'s answers reach subscriptionEvents as WeChat sends them (List object for one, array for several)', async () => {
    h.emu.requestSubscribe('o-pop', ['TPL_EVENT_REMINDER'], { TPL_EVENT_REMINDER: 'accept' });
    // Popup pushes carry no id: two identical ones in the same second (CreateTime) are one push replayed.
    h.emu.clock.advance(1000);
    h.emu.requestSubscribe('o-pop', ['TPL_EVENT_REMINDER', 'TPL_ORDER_STATUS'], { TPL_EVENT_REMINDER: 'accept', TPL_ORDER_STATUS: 'reject' });
    const queued: PushMessage[] = h.emu.pushes.queued();
    expect(queued.map((m) => [m.Event, Array.isArray(m.List)])).toEqual([
      ['subscribe_msg_popup_event', false],
      ['subscribe_msg_popup_event', true],
    ]);
    expect(queued[0]).toMatchObject({ FromUserName: 'o-pop', MsgType: 'event', List: { TemplateId: TPL, SubscribeStatusString: 'accept', PopupScene: '0' } });
    const done = await h.emu.pushes.deliver();
    expect(done.map((d) => [d.fn, d.outcome])).toEqual([['subscriptionEvents', 'delivered'], ['subscriptionEvents', 'delivered']]);
    // The push alone counts the grants (the client's report would be paired with it, not added).
    expect(await remaining(h.emu, 'o-pop', TPL)).toBe(2);
    const consent = h.emu.db.find('consent_log', { openid: 'o-pop' }).map((c) => [c.templateId, c.result, c.source]);
    expect(consent).toEqual(expect.arrayContaining([[TPL, 'accept', 'event'], [T2, 'reject', 'event']]));
    // The invocation looked like WeChat's push, not a callFunction.
    const inv = h.emu.invocations().filter((i) => i.fn === 'subscriptionEvents');
    expect(inv).toHaveLength(2);
    expect(inv.every((i) => i.kind === 'push' && i.outcome === 'ok')).toBe(true);
  });

  it('change: the user sets 拒收 in WeChat; the change event zeroes the grant', async () => {
    h.emu.requestSubscribe('o-chg', ['TPL_EVENT_REMINDER'], { TPL_EVENT_REMINDER: 'accept' });
    h.emu.clock.advance(1000);
    h.emu.requestSubscribe('o-chg', ['TPL_EVENT_REMINDER'], { TPL_EVENT_REMINDER: 'accept' });
    await h.emu.pushes.deliver();
    expect(await remaining(h.emu, 'o-chg', TPL)).toBe(2);
    h.emu.wechat.changeSubscription('o-chg', TPL);
    expect(h.emu.pushes.queued()).toEqual([expect.objectContaining({ Event: 'subscribe_msg_change_event', List: { TemplateId: TPL, SubscribeStatusString: 'reject' } })]);
    await h.emu.pushes.deliver();
    expect(await remaining(h.emu, 'o-chg', TPL)).toBe(0);
    expect(h.emu.wechat.quota('o-chg', TPL)).toBe(0);
  });

  it('sent: receipts join the campaign\'s deliveries by msgid — delivered, and failed after acceptance — and stats count them', async () => {
    const [ok1, ok2, blocked] = seedAudience(h.emu, 3) as [string, string, string];
    h.emu.wechat.setDeliveryFailure(blocked, { errorCode: 20004, errorStatus: 'failed:user block' });
    const c = seedCampaign(h.emu);
    await dispatchRuns(h.emu, 1);
    const ds = deliveries(h.emu, c._id);
    expect(ds.map((d) => d.status)).toEqual(['sent', 'sent', 'sent']);
    expect(ds.every((d) => d.receipt === undefined)).toBe(true);
    expect((await stats(h.emu, c._id)).receipts).toEqual({ delivered: 0, failed: 0, awaiting: 3 });
    // WeChat's sent pushes arrive after the answers.
    const pushes = h.emu.pushes.queued();
    expect(pushes.map((p) => p.Event)).toEqual(['subscribe_msg_sent_event', 'subscribe_msg_sent_event', 'subscribe_msg_sent_event']);
    await h.emu.pushes.deliver();
    const byUser = new Map(deliveries(h.emu, c._id).map((d) => [d.openid, d]));
    for (const o of [ok1, ok2]) expect(byUser.get(o)).toMatchObject({ receipt: 'delivered', receiptErrorCode: 0 });
    expect(byUser.get(blocked)).toMatchObject({ receipt: 'failed', receiptErrorCode: 20004 });
    expect(h.emu.inbox(blocked)).toHaveLength(0);
    expect(await stats(h.emu, c._id)).toMatchObject({ sent: 3, receipts: { delivered: 2, failed: 1, awaiting: 0 } });
    // A replayed push changes nothing.
    for (const p of pushes) await h.emu.callRaw('subscriptionEvents', p, { kind: 'push', openid: p.FromUserName });
    expect(await stats(h.emu, c._id)).toMatchObject({ receipts: { delivered: 2, failed: 1, awaiting: 0 } });
  });

  it('the HTTP endpoints: 拒收 pushes a change event; a delivery failure is set and cleared', async () => {
    const post = async (path: string, body: unknown = {}) =>
      (await fetch(`${h.emu.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
    expect(await post('/wx/reject/o-http/TPL_EVENT_REMINDER')).toMatchObject({ itemSettings: { TPL_EVENT_REMINDER: 'reject' } });
    expect(h.emu.pushes.queued()).toEqual([expect.objectContaining({ FromUserName: 'o-http', Event: 'subscribe_msg_change_event' })]);
    expect(await post('/wx/deliveryFailure/o-http', { errorCode: 7 })).toEqual({ openid: 'o-http', failing: true });
    expect(await post('/wx/deliveryFailure/o-http', { errorCode: 'x' })).toMatchObject({ error: expect.anything() });
    expect(await post('/wx/deliveryFailure/o-http', {})).toEqual({ openid: 'o-http', failing: false });
  });

  it('a receipt for a msgid of another user marks nothing of theirs', async () => {
    const [alice] = seedAudience(h.emu, 1) as [string];
    const c = seedCampaign(h.emu);
    await dispatchRuns(h.emu, 1);
    const [sentPush] = h.emu.pushes.queued() as [PushMessage];
    const msgid = (sentPush.List as Record<string, string>).MsgID;
    // WeChat pushing (as it would never do) a failed receipt with Alice's MsgID for Mallory: only Mallory's own
    // receipt document is written; Alice's delivery is untouched.
    const forged = { ...sentPush, FromUserName: 'o-mallory', List: { TemplateId: TPL, MsgID: msgid, ErrorCode: '1', ErrorStatus: 'failed' } };
    expect((await h.emu.callRaw('subscriptionEvents', forged, { kind: 'push', openid: 'o-mallory' })).result).toMatchObject({ ok: true });
    expect(deliveries(h.emu, c._id)[0]).not.toHaveProperty('receipt');
    expect(h.emu.db.find('sent_events', { msgid }).map((r) => r._id)).toEqual([`m:o-mallory:${msgid}`]);
    await h.emu.pushes.deliver();
    expect(deliveries(h.emu, c._id)[0]).toMatchObject({ openid: alice, receipt: 'delivered' });
  });
});

describe('sent receipt before the msgid is written (race)', () => {
  const r = useEmulator({ messagePush: 'auto' });
  beforeEach(async () => {
    await r.emu.reset();
    expect(await r.emu.call('setup', 'o-admin', {})).toMatchObject({ ok: true });
    createCollections(r.emu);
  });

  it('WeChat\'s push reaches subscriptionEvents before the dispatcher has the msgid: stored, then joined by the flush', async () => {
    seedAudience(r.emu, 2);
    r.emu.wechat.setSentPushTiming('before-answer');
    const c = seedCampaign(r.emu);
    await dispatchRuns(r.emu, 1);
    await r.emu.pushes.idle();
    // Every push was handled while its send's answer was still on its way: it stored the receipt and found no
    // delivery to mark (no msgid written yet) ...
    expect(r.emu.pushes.log().map((l) => l.outcome)).toEqual(['delivered', 'delivered']);
    const pushInvocations = r.emu.invocations().filter((i) => i.fn === 'subscriptionEvents');
    expect(pushInvocations).toHaveLength(2);
    for (const i of pushInvocations) {
      const writes = r.emu.runner.detail(i.id)?.requests.filter((q) => q.collection === 'deliveries' && q.changed > 0) ?? [];
      expect(writes).toEqual([]);
    }
    // ... and the flush that wrote the msgids joined them.
    const ds = deliveries(r.emu, c._id);
    expect(ds.map((d) => [d.status, d.receipt])).toEqual([['sent', 'delivered'], ['sent', 'delivered']]);
    expect(r.emu.db.find('sent_events').every((e) => e.joined === true)).toBe(true);
    expect(await stats(r.emu, c._id)).toMatchObject({ receipts: { delivered: 2, failed: 0, awaiting: 0 } });
  });
});
