// End to end (emulator + real wx-server-sdk): the subscriptions and subscriptionEvents functions and the ledger.
import { counts, docsOf, Envelope, forgePush, PLACEMENT, push, record, remaining } from './e2e-helpers';
import { useEmulator } from '../support/emulator';

// At most 4 containers per function, warmed before the concurrency test: on the shared 2-core machine, 8–16 cold
// starts at once exceed the 5 s function timeout before the first database request. Calls beyond 4 wait for a
// container (not counted against the timeout), so up to 4 invocations overlap at the database at any moment.
const WORKERS = 4;
const h = useEmulator({ maxWorkers: WORKERS });
beforeAll(async () => {
  expect(await h.emu.call('setup', 'o-admin', {})).toMatchObject({ ok: true });
});

describe('subscriptions (e2e)', () => {
  it('walk-through: the user accepts in WeChat, the report is recorded, list and WeChat agree on 1', async () => {
    const base = h.emu.url;
    const post = async (path: string, body: unknown) =>
      (await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
    const tap = (await post('/wx/requestSubscribeMessage', { openid: 'o-walk', tmplIds: ['TPL_EVENT_REMINDER'], choices: { TPL_EVENT_REMINDER: 'accept' } })) as {
      ok: boolean;
      result: Record<string, string>;
    };
    expect(tap).toMatchObject({ ok: true, result: { TPL_EVENT_REMINDER: 'accept' } });
    const report = await post('/call/subscriptions', {
      openid: 'o-walk',
      data: { action: 'record', requestId: 'walk-0000001', placement: PLACEMENT, tmplIds: ['TPL_EVENT_REMINDER'], result: tap.result },
    });
    expect(report).toMatchObject({ ok: true, data: { counted: true } });
    const list = (await post('/call/subscriptions', { openid: 'o-walk', data: { action: 'list' } })) as Envelope<{ items: { templateId: string; remaining: number }[] }>;
    expect(list.ok && list.data.items.find((i) => i.templateId === 'TPL_EVENT_REMINDER')?.remaining).toBe(1);
    const quota = await (await fetch(`${base}/wx/quota/o-walk/TPL_EVENT_REMINDER`)).json();
    expect(quota).toEqual({ quota: 1 });
  });

  it('20 concurrent record calls for one user give exactly 20', async () => {
    for (let round = 0; round < 5; round++) {
      const warm = await Promise.all(Array.from({ length: WORKERS }, () => h.emu.callRaw('subscriptions', { action: 'list' }, { openid: 'o-warm' })));
      if (warm.every((r) => r.ok)) break;
    }
    const calls = Array.from({ length: 20 }, (_, i) => record(h.emu, 'o-many', `many-${String(i).padStart(6, '0')}`, { TPL_EVENT_REMINDER: 'accept' }));
    const results = await Promise.all(calls);
    expect(results.every((r) => r.ok && r.data.counted)).toBe(true);
    expect(await remaining(h.emu, 'o-many', 'TPL_EVENT_REMINDER')).toBe(20);
    expect(h.emu.db.find('grants', { openid: 'o-many' })).toEqual([expect.objectContaining({ remaining: 20, acceptsClient: 20, granted: 20 })]);
    expect(h.emu.db.find('consent_log', { openid: 'o-many' })).toHaveLength(20);
  });

  it('a duplicate request id counts once, also when the duplicates run concurrently', async () => {
    expect(await record(h.emu, 'o-dup', 'dup-0000001', { TPL_NEW_ARRIVAL: 'accept' })).toMatchObject({ ok: true, data: { counted: true } });
    expect(await record(h.emu, 'o-dup', 'dup-0000001', { TPL_NEW_ARRIVAL: 'accept' })).toMatchObject({ ok: true, data: { counted: false } });
    const same = await Promise.all(Array.from({ length: 5 }, () => record(h.emu, 'o-dup', 'dup-0000002', { TPL_NEW_ARRIVAL: 'accept' })));
    expect(same.filter((r) => r.ok && r.data.counted)).toHaveLength(1);
    expect(await remaining(h.emu, 'o-dup', 'TPL_NEW_ARRIVAL')).toBe(2);
  });

  it('the popup event and the client report of the same tap count once, in either order', async () => {
    const t0 = Math.floor(h.emu.now() / 1000);
    expect((await push(h.emu, 'o-pop', 'subscribe_msg_popup_event', { TemplateId: 'TPL_ORDER_STATUS', SubscribeStatusString: 'accept', PopupScene: '0' }, t0)).result).toMatchObject({ ok: true, data: { handled: 1 } });
    await record(h.emu, 'o-pop', 'pop-0000001', { TPL_ORDER_STATUS: 'accept' });
    await record(h.emu, 'o-pop', 'pop-0000002', { TPL_ORDER_STATUS: 'accept' });
    // List as an array (several templates in one popup) for the second tap.
    await push(h.emu, 'o-pop', 'subscribe_msg_popup_event', [{ TemplateId: 'TPL_ORDER_STATUS', SubscribeStatusString: 'accept' }, { TemplateId: 'TPL_NEW_ARRIVAL', SubscribeStatusString: 'reject' }], t0 + 5);
    // WeChat retries a push it thinks was lost: the replay changes nothing.
    const replay = await push(h.emu, 'o-pop', 'subscribe_msg_popup_event', { TemplateId: 'TPL_ORDER_STATUS', SubscribeStatusString: 'accept' }, t0);
    expect(replay.result).toMatchObject({ ok: true, data: { duplicate: true } });
    expect(await remaining(h.emu, 'o-pop', 'TPL_ORDER_STATUS')).toBe(2);
  });

  it('a change-event reject zeroes the grant', async () => {
    for (const id of ['rej-0000001', 'rej-0000002']) await record(h.emu, 'o-rej', id, { TPL_APPLY_RESULT: 'accept' });
    expect(await remaining(h.emu, 'o-rej', 'TPL_APPLY_RESULT')).toBe(2);
    const res = await push(h.emu, 'o-rej', 'subscribe_msg_change_event', { TemplateId: 'TPL_APPLY_RESULT', SubscribeStatusString: 'reject' }, 1777600000);
    expect(res.result).toMatchObject({ ok: true, data: { handled: 1 } });
    expect(await remaining(h.emu, 'o-rej', 'TPL_APPLY_RESULT')).toBe(0);
    expect(h.emu.db.find('consent_log', { openid: 'o-rej', source: 'event' })).toEqual([expect.objectContaining({ result: 'unsubscribe', ledger: 'zero' })]);
  });

  it('deleteMyData removes every document of the caller and nothing of anyone else', async () => {
    for (const who of ['o-del', 'o-keep']) {
      await record(h.emu, who, `del-${who}-01`, { TPL_EVENT_REMINDER: 'accept' });
      await h.emu.call('subscriptions', who, { action: 'syncSettings', mainSwitch: true, itemSettings: { TPL_EVENT_REMINDER: 'accept' } });
      await push(h.emu, who, 'subscribe_msg_popup_event', { TemplateId: 'TPL_ORDER_STATUS', SubscribeStatusString: 'accept' }, 1777600100);
    }
    // The dispatcher's msgid log mixes users in one document: only the caller's items may go.
    h.emu.db.createCollection('send_log');
    h.emu.db.insert('send_log', [{ _id: 'flush-1', runId: 'r1', at: 1, items: [
      { deliveryId: 'campaign:c1:o-del', openid: 'o-del', templateId: 'TPL_EVENT_REMINDER', msgid: '1' },
      { deliveryId: 'campaign:c1:o-keep', openid: 'o-keep', templateId: 'TPL_EVENT_REMINDER', msgid: '2' },
    ] }]);
    const before = docsOf(h.emu, 'o-keep');
    expect(docsOf(h.emu, 'o-del').length).toBeGreaterThan(5);
    const res = await h.emu.call<Envelope<{ deleted: Record<string, number> }>>('subscriptions', 'o-del', { action: 'deleteMyData', confirm: true });
    expect(res).toMatchObject({ ok: true, data: { deleted: { grants: 2, users: 1, send_log: 1 } } });
    expect(docsOf(h.emu, 'o-del')).toEqual([]);
    expect(h.emu.db.find('send_log', { _id: 'flush-1' })[0]?.items).toEqual([expect.objectContaining({ openid: 'o-keep', msgid: '2' })]);
    expect(docsOf(h.emu, 'o-keep')).toEqual(before);
  });

  it('syncSettings and revoke', async () => {
    await record(h.emu, 'o-set', 'set-0000001', { TPL_SERVICE_NOTICE: 'accept' });
    expect(await remaining(h.emu, 'o-set', 'TPL_SERVICE_NOTICE')).toBe(-1);
    expect(await h.emu.call('subscriptions', 'o-set', { action: 'syncSettings', mainSwitch: false, itemSettings: { TPL_SERVICE_NOTICE: 'acceptWithForcePush', SYS_MSG_TYPE_WHATS_NEW: 'accept' } })).toEqual({ ok: true, data: { updated: 1 } });
    const list = await h.emu.call<Envelope<{ items: { templateId: string; alwaysKeep: string | null }[]; mainSwitch: boolean | null }>>('subscriptions', 'o-set', { action: 'list' });
    expect(list).toMatchObject({ ok: true, data: { mainSwitch: false } });
    expect(list.ok && list.data.items.find((i) => i.templateId === 'TPL_SERVICE_NOTICE')?.alwaysKeep).toBe('accept');
    expect(await h.emu.call('subscriptions', 'o-set', { action: 'revoke', templateId: 'TPL_SERVICE_NOTICE' })).toEqual({ ok: true, data: { templateId: 'TPL_SERVICE_NOTICE', remaining: 0 } });
    expect(await remaining(h.emu, 'o-set', 'TPL_SERVICE_NOTICE')).toBe(0);
  });

  const ok = { action: 'record', requestId: 'bad-0000001', placement: PLACEMENT, tmplIds: ['TPL_EVENT_REMINDER'], result: { TPL_EVENT_REMINDER: 'accept' } };
  const bad: [string, Record<string, unknown>, string][] = [
    ['unknown template', { ...ok, tmplIds: ['TPL_NOPE'], result: { TPL_NOPE: 'accept' } }, 'UNKNOWN_TEMPLATE'],
    ['$-operator key', { ...ok, result: { $inc: { remaining: 100 } } }, 'INVALID_INPUT'],
    ['$-operator value object', { ...ok, requestId: { $ne: null } }, 'INVALID_INPUT'],
    ['oversize string', { ...ok, placement: { page: 'x'.repeat(5000), button: 'b' } }, 'INVALID_INPUT'],
    ['wrong type', { ...ok, tmplIds: 'TPL_EVENT_REMINDER' }, 'INVALID_INPUT'],
    ['too many ids', { ...ok, tmplIds: ['TPL_EVENT_REMINDER', 'TPL_ORDER_STATUS', 'TPL_NEW_ARRIVAL', 'TPL_APPLY_RESULT'] }, 'INVALID_INPUT'],
    ['unknown action', { ...ok, action: 'addGrants' }, 'UNKNOWN_ACTION'],
    ['revoke of an unknown template', { action: 'revoke', templateId: 'TPL_NOPE' }, 'UNKNOWN_TEMPLATE'],
    ['deleteMyData without confirm', { action: 'deleteMyData' }, 'INVALID_INPUT'],
  ];
  it.each(bad)('refuses %s with a clear code and writes nothing', async (_name, event, code) => {
    const before = counts(h.emu);
    const res = await h.emu.call<Envelope>('subscriptions', 'o-bad', event);
    expect(res).toMatchObject({ ok: false, error: { code } });
    expect(counts(h.emu)).toEqual(before);
    expect(docsOf(h.emu, 'o-bad')).toEqual([]);
  });

  it('refuses a forged push for another user and a malformed push, writing nothing', async () => {
    const before = counts(h.emu);
    const forged = await h.emu.callRaw('subscriptionEvents', { FromUserName: 'o-victim', CreateTime: 1, MsgType: 'event', Event: 'subscribe_msg_change_event', List: { TemplateId: 'TPL_EVENT_REMINDER', SubscribeStatusString: 'reject' } }, { openid: 'o-bad' });
    expect(forged.result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const malformed = await push(h.emu, 'o-bad', 'subscribe_msg_popup_event', [{ TemplateId: 42 }], 1);
    expect(malformed.result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(counts(h.emu)).toEqual(before);
  });

  it('a mini program user forging a push with another user\'s MsgID is refused with nothing written, before and after deleteMyData', async () => {
    const receipt = { TemplateId: 'TPL_EVENT_REMINDER', MsgID: '9000001', ErrorCode: '0', ErrorStatus: 'success' };
    // WeChat's own push for the victim.
    expect((await push(h.emu, 'o-rcpt', 'subscribe_msg_sent_event', receipt, 10)).result).toMatchObject({ ok: true });
    const victim = () => h.emu.db.find('sent_events', { openid: 'o-rcpt' });
    expect(victim()).toEqual([expect.objectContaining({ msgid: '9000001', errorStatus: 'success' })]);
    const before = counts(h.emu);
    // The forger calls subscriptionEvents from the mini program: as the victim, and as themselves with the victim's MsgID.
    const failed = { ...receipt, ErrorCode: '1', ErrorStatus: 'failed:user block' };
    for (const from of ['o-rcpt', 'o-forger']) {
      expect(await forgePush(h.emu, 'o-forger', from, 'subscribe_msg_sent_event', failed, 11)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(counts(h.emu)).toEqual(before);
    expect(await h.emu.call('subscriptions', 'o-forger', { action: 'deleteMyData', confirm: true })).toMatchObject({ ok: true });
    for (const from of ['o-rcpt', 'o-forger']) {
      expect(await forgePush(h.emu, 'o-forger', from, 'subscribe_msg_sent_event', failed, 12)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(docsOf(h.emu, 'o-forger')).toEqual([]);
    expect(victim()).toEqual([expect.objectContaining({ msgid: '9000001', openid: 'o-rcpt', errorCode: 0, errorStatus: 'success' })]);
  });

  it('rate-limits record per openid per minute (config limits.recordPerMinute = 30)', async () => {
    const results = [];
    for (let i = 0; i < 31; i++) results.push(await record(h.emu, 'o-rate', `rate-${String(i).padStart(6, '0')}`, { TPL_NEW_ARRIVAL: 'accept' }));
    expect(results.filter((r) => r.ok)).toHaveLength(30);
    expect(results.at(-1)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(await remaining(h.emu, 'o-rate', 'TPL_NEW_ARRIVAL')).toBe(30);
  });
});
