// Unit (core/grants/push): WeChat subscription pushes — List as object or array, pairing with client reports,
// replays, change-event rejects, unknown events and forged senders.
import { dispatchAction } from '../../core/actions';
import { grantId } from '../../core/grants/model';
import { handlePush } from '../../core/grants/push';
import { subscriptionsTable } from '../../core/grants/table';
import { memoryGrantsDeps } from './memory';

const push = (Event: string, List: unknown, CreateTime = 1795250000, FromUserName = 'o-alice') => ({
  ToUserName: 'gh_000000000000',
  FromUserName,
  CreateTime,
  MsgType: 'event',
  Event,
  List,
});
const item = (TemplateId: string, SubscribeStatusString: string) => ({ TemplateId, SubscribeStatusString, PopupScene: '0' });
// What the emulator gives a push (emulator/runner/env.ts PUSH_SOURCE); the rule does not depend on the value.
const pushCaller = { openid: 'o-alice', source: 'wx_unknown' };

describe('subscriptionEvents', () => {
  it('accepts List as an object (one item) and as an array (several)', async () => {
    const m = memoryGrantsDeps();
    const one = await handlePush(m.deps, push('subscribe_msg_popup_event', item('TPL_EVENT_REMINDER', 'accept'), 1), pushCaller);
    expect(one).toMatchObject({ ok: true, data: { handled: 1, duplicate: false } });
    const many = await handlePush(m.deps, push('subscribe_msg_popup_event', [item('TPL_EVENT_REMINDER', 'accept'), item('TPL_ORDER_STATUS', 'reject')], 2), pushCaller);
    expect(many).toMatchObject({ ok: true, data: { handled: 2 } });
    expect(m.store.docs.get(grantId('o-alice', 'TPL_EVENT_REMINDER'))?.remaining).toBe(2);
    expect(m.store.docs.get(grantId('o-alice', 'TPL_ORDER_STATUS'))).toMatchObject({ remaining: 0, lastResult: 'reject' });
  });

  it('counts the popup event and the client report of the same tap once', async () => {
    const m = memoryGrantsDeps();
    await handlePush(m.deps, push('subscribe_msg_popup_event', item('TPL_EVENT_REMINDER', 'accept')), pushCaller);
    const table = subscriptionsTable(m.deps.limits);
    const res = await dispatchAction(table, m.deps, {
      action: 'record', requestId: 'req-tap-0001', placement: { page: 'pages/events/events', button: 'remind' },
      tmplIds: ['TPL_EVENT_REMINDER'], result: { TPL_EVENT_REMINDER: 'accept' },
    }, { openid: 'o-alice', source: 'wx_client' });
    expect(res).toMatchObject({ ok: true, data: { counted: true, grants: [{ templateId: 'TPL_EVENT_REMINDER', remaining: 1 }] } });
    expect(m.consent.map((c) => [c.source, c.ledger])).toEqual([['event', 'counted'], ['client', 'covered']]);
  });

  it('counts a replayed push once', async () => {
    const m = memoryGrantsDeps();
    const p = push('subscribe_msg_popup_event', item('TPL_EVENT_REMINDER', 'accept'));
    await handlePush(m.deps, p, pushCaller);
    expect(await handlePush(m.deps, p, pushCaller)).toMatchObject({ ok: true, data: { duplicate: true } });
    expect(m.store.docs.get(grantId('o-alice', 'TPL_EVENT_REMINDER'))?.remaining).toBe(1);
  });

  it('zeroes the grant on a change-event reject', async () => {
    const m = memoryGrantsDeps();
    await handlePush(m.deps, push('subscribe_msg_popup_event', item('TPL_EVENT_REMINDER', 'accept'), 10), pushCaller);
    await handlePush(m.deps, push('subscribe_msg_popup_event', item('TPL_EVENT_REMINDER', 'accept'), 11), pushCaller);
    await handlePush(m.deps, push('subscribe_msg_change_event', item('TPL_EVENT_REMINDER', 'reject'), 12), pushCaller);
    expect(m.store.docs.get(grantId('o-alice', 'TPL_EVENT_REMINDER'))).toMatchObject({ remaining: 0, lastResult: 'reject', lastZeroReason: 'change_event' });
    expect(m.consent.at(-1)).toMatchObject({ result: 'unsubscribe', source: 'event', ledger: 'zero' });
  });

  it('keeps sent receipts by msgid', async () => {
    const m = memoryGrantsDeps();
    const res = await handlePush(m.deps, push('subscribe_msg_sent_event', { TemplateId: 'TPL_EVENT_REMINDER', MsgID: '1700000001', ErrorCode: '0', ErrorStatus: 'success' }), pushCaller);
    expect(res).toMatchObject({ ok: true, data: { handled: 1 } });
    expect(m.receipts).toEqual([expect.objectContaining({ msgid: '1700000001', errorCode: 0, errorStatus: 'success', openid: 'o-alice' })]);
  });

  it('refuses every invocation that is not WeChat\'s push, before writing anything', async () => {
    const m = memoryGrantsDeps();
    const p = push('subscribe_msg_sent_event', { TemplateId: 'TPL_EVENT_REMINDER', MsgID: '1700000001', ErrorCode: '0', ErrorStatus: 'success' });
    const refused = [
      { openid: 'o-alice', source: 'wx_client' },
      { openid: 'o-alice', source: 'wx_devtools' },
      { openid: 'o-alice', source: 'wx_client,scf' },
      { openid: 'o-alice', source: 'wx_unknown,scf' },
      { openid: 'o-alice', source: 'scf' },
      { openid: 'o-alice', source: 'wx_http' },
      { source: 'wx_trigger' },
      { openid: 'o-alice', source: '' },
      { source: 'wx_unknown' },
    ];
    for (const caller of refused) {
      expect(await handlePush(m.deps, p, caller)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    // A callFunction event always carries userInfo, whatever SOURCE says.
    expect(await handlePush(m.deps, { ...p, userInfo: { openId: 'o-alice', appId: 'wx0' } }, pushCaller)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(m.writes()).toBe(0);
    expect(m.receipts).toEqual([]);
  });

  it('tells two pushes of one user in the same second apart (two sends, two receipts)', async () => {
    const m = memoryGrantsDeps();
    const sent = (MsgID: string) => push('subscribe_msg_sent_event', { TemplateId: 'TPL_EVENT_REMINDER', MsgID, ErrorCode: '0', ErrorStatus: 'success' }, 5);
    expect(await handlePush(m.deps, sent('1700000001'), pushCaller)).toMatchObject({ ok: true, data: { duplicate: false } });
    expect(await handlePush(m.deps, sent('1700000002'), pushCaller)).toMatchObject({ ok: true, data: { duplicate: false } });
    expect(await handlePush(m.deps, sent('1700000002'), pushCaller)).toMatchObject({ ok: true, data: { duplicate: true } });
    expect(m.receipts.map((r) => r.msgid)).toEqual(['1700000001', '1700000002']);
  });

  it('ignores unknown events and templates; refuses forged senders and bad shapes with nothing written', async () => {
    const m = memoryGrantsDeps();
    expect(await handlePush(m.deps, push('user_enter_tempsession', {}), pushCaller)).toMatchObject({ ok: true, data: { ignored: true } });
    expect(await handlePush(m.deps, { FromUserName: 'o-alice', MsgType: 'text', Content: 'hi' }, pushCaller)).toMatchObject({ ok: true, data: { ignored: true } });
    expect(m.writes()).toBe(0);
    expect(await handlePush(m.deps, push('subscribe_msg_popup_event', item('TPL_EVENT_REMINDER', 'accept'), 1, 'o-bob'), pushCaller)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await handlePush(m.deps, push('subscribe_msg_popup_event', { TemplateId: { $ne: 1 } }), pushCaller)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await handlePush(m.deps, push('subscribe_msg_popup_event', 'accept'), pushCaller)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(m.writes()).toBe(0);
    const unknown = await handlePush(m.deps, push('subscribe_msg_popup_event', item('TPL_OTHER_APP', 'accept')), pushCaller);
    expect(unknown).toMatchObject({ ok: true, data: { handled: 0, ignored: 1 } });
    expect(m.store.docs.size).toBe(0);
  });
});
