/** @jest-environment jsdom */
// Mini program end to end: the real pages (miniprogram-simulate, official compiler) against the real functions in
// the local emulator (a child process, see support/emulator-http.ts) — wx.cloud.callFunction, requestSubscribeMessage
// and getSetting go to the emulator; assertions read both the pages' data and the emulator's state.
import { loadApp } from './support/app';
import { bridgeWx, startEmulatorChild, type EmulatorHttp, type SimUser } from './support/emulator-http';
import { change, mount, node, sleep, tap, textOf, type, waitFor, type Comp } from './support/simulate';
import { callsOf, installWx, type WxMock } from './support/wx-mock';

jest.setTimeout(30_000);
const REMINDER = 'TPL_EVENT_REMINDER';
const W = 10_000; // waitFor limit: a cold function worker starts on first call

let emu: EmulatorHttp;
let wx: WxMock;
let results: ReturnType<typeof bridgeWx>;
const user: SimUser = { openid: 'o-alice', choices: {} };

beforeAll(async () => {
  emu = await startEmulatorChild(Date.now());
  const setup = await emu.call('setup', 'o-admin', { demo: true });
  expect(setup).toMatchObject({ ok: true });
}, 60_000);
afterAll(async () => {
  await emu?.stop();
});
beforeEach(() => {
  wx = installWx();
  results = bridgeWx(wx, emu, user);
  (globalThis as any).wx.redirectTo = jest.fn();
});

const ok = <T = any>(env: any): T => {
  expect(env).toMatchObject({ ok: true });
  return env.data as T;
};
const grantOf = async (openid: string, tmplId: string) =>
  ok<{ items: { templateId: string; remaining: number }[] }>(await emu.call('subscriptions', openid, { action: 'list' })).items.find((i) => i.templateId === tmplId);
/** `pages/x?a=1&b=2` → { a: '1', b: '2' }, raw as WeChat hands the query to onLoad. */
const queryOf = (page: string) => Object.fromEntries((page.split('?')[1] ?? '').split('&').map((kv) => kv.split('=') as [string, string]));

describe('pages/events against the real reminders / subscriptions / dispatch / track', () => {
  it('提醒我 → accept → grant counted → reminder; the dispatcher sends it; opening the card reports the open', async () => {
    user.openid = 'o-alice';
    user.choices = { [REMINDER]: 'accept' };
    const page = mount('pages/events/events');
    page.instance['onLoad']({});
    await waitFor(() => page.data['rows'].length === 4 && !page.data['loading'], 'demo events', W);
    const row = page.data['rows'].find((r: { id: string }) => r.id === 'evt-demo-meditation');
    expect(row).toMatchObject({ canRemind: true, title: '午间冥想十五分钟' });

    await tap(node(page, '#remind-evt-demo-meditation'), '#btn');
    await waitFor(() => !!page.querySelector('#reminder-evt-demo-meditation'), 'reminder shown', W);
    expect(results.find((r) => r.action === 'record')?.result).toMatchObject({ ok: true, data: { counted: true } });
    const created = results.find((r) => r.name === 'reminders' && r.action === 'create')!.result;
    const { reminderId, dueAt } = ok<{ reminderId: string; dueAt: number }>(created);
    expect(textOf(node(page, '#reminder-evt-demo-meditation'))).toContain('已设置提醒');
    expect(await grantOf('o-alice', REMINDER)).toMatchObject({ remaining: 1 });
    expect(await emu.quota('o-alice', REMINDER)).toBe(1);
    const list = ok<{ reminders: { id: string; eventId: string; dueAt: number; status: string }[] }>(await emu.call('reminders', 'o-alice', { action: 'list' }));
    expect(list.reminders).toEqual([expect.objectContaining({ id: reminderId, eventId: 'evt-demo-meditation', dueAt, status: 'pending' })]);

    // Past the reminder time: the dispatcher (timer) sends the card.
    await emu.advance(Math.max(0, dueAt - (await emu.now())) + 60_000);
    await emu.trigger('dispatch');
    const inbox = await emu.inbox('o-alice');
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({ templateId: REMINDER });
    expect(inbox[0]!['rendered']).toContain('午间冥想十五分钟');
    expect(await emu.quota('o-alice', REMINDER)).toBe(0);
    expect(await grantOf('o-alice', REMINDER)).toMatchObject({ remaining: 0 });

    // The user taps the card: the mini program shows with the card's page and query; the app-level hook (app.ts
    // onShow) reports the open once, and the events page highlights the event.
    const query = queryOf(String(inbox[0]!['page']));
    expect(query['eventId']).toBe('evt-demo-meditation');
    const deliveryId = decodeURIComponent(query['deliveryId'] ?? '');
    expect(deliveryId).not.toBe('');
    const app = loadApp();
    app.onShow?.({ path: 'pages/events/events', query, scene: 1014 });
    const opened = mount('pages/events/events');
    opened.instance['onLoad'](query);
    await waitFor(() => results.some((r) => r.name === 'track'), 'track.open', W);
    app.onShow?.({ path: 'pages/events/events', query, scene: 1014 });
    expect(callsOf(wx, 'track', 'open')).toEqual([{ action: 'open', deliveryId }]);
    expect(results.find((r) => r.name === 'track')!.result).toEqual({ ok: true, data: { counted: true } });
    await waitFor(() => !opened.data['loading'] && opened.data['rows'].length > 0, 'events again', W);
    expect(opened.data['rows'].find((r: { id: string }) => r.id === 'evt-demo-meditation')).toMatchObject({ highlight: true });
    const delivery = (await emu.collections())['deliveries']?.find((d) => d['_id'] === deliveryId);
    expect(delivery).toMatchObject({ status: 'sent', openedAt: expect.any(Number) });
  }, 90_000);

  it('a reject records the choice and creates no reminder', async () => {
    user.openid = 'o-dev';
    user.choices = { [REMINDER]: 'reject' };
    const page = mount('pages/events/events');
    page.instance['onLoad']({});
    await waitFor(() => page.data['rows'].length > 0 && !page.data['loading'], 'events', W);
    const id = page.data['rows'].find((r: { canRemind: boolean }) => r.canRemind).id as string;
    await tap(node(page, `#remind-${id}`), '#btn');
    await waitFor(() => results.some((r) => r.action === 'record'), 'record', W);
    await sleep(200);
    expect(callsOf(wx, 'reminders', 'create')).toHaveLength(0);
    expect(await grantOf('o-dev', REMINDER)).toMatchObject({ remaining: 0, lastResult: 'reject' });
    expect(ok<{ reminders: unknown[] }>(await emu.call('reminders', 'o-dev', { action: 'list' })).reminders).toEqual([]);
  });
});

describe('pages/subscriptions against the real ledger', () => {
  const NEW = 'TPL_NEW_ARRIVAL';
  const ORDER = 'TPL_ORDER_STATUS';
  async function open(): Promise<Comp> {
    const page = mount('pages/subscriptions/subscriptions');
    page.instance['onShow']();
    await waitFor(() => page.data['rows'].length === 5 && !page.data['loading'], 'grants listed', W);
    return page;
  }
  const remainingOf = (page: Comp, id: string) => textOf(node(page, `#item-${id}`));

  it('remaining from the real list; ask again; revoke → 0; 删除我的数据 → nothing of the user is left', async () => {
    user.openid = 'o-bob';
    for (const n of [1, 2]) { // two earlier accepts, recorded as the button would
      expect(await emu.requestSubscribe('o-bob', [NEW], { [NEW]: 'accept' })).toMatchObject({ ok: true });
      ok(await emu.call('subscriptions', 'o-bob', {
        action: 'record', requestId: `seed-o-bob-${n}-abcdef`, placement: { page: 'pages/index/index', button: 'seed' },
        tmplIds: [NEW], result: { [NEW]: 'accept' },
      }));
    }
    const page = await open();
    expect(remainingOf(page, NEW)).toContain('还可接收 2 条');
    expect(textOf(node(page, '#main-switch'))).toBe('已开启'); // the simulated client's getSetting

    user.choices = { [ORDER]: 'accept' };
    await tap(node(page, `#ask-${ORDER}`), '#btn');
    await waitFor(() => remainingOf(page, ORDER).includes('还可接收 1 条'), 'ask again counted', W);
    expect(await emu.quota('o-bob', ORDER)).toBe(1);

    wx.modalAnswers = [true];
    await tap(page, `#revoke-${NEW}`);
    await waitFor(() => callsOf(wx, 'subscriptions', 'revoke').length === 1 && !page.data['loading'] && remainingOf(page, NEW).includes('0 条'), 'revoked', W);
    expect(await grantOf('o-bob', NEW)).toMatchObject({ remaining: 0 });
    expect(await grantOf('o-bob', ORDER)).toMatchObject({ remaining: 1 });

    const holds = async () => Object.entries(await emu.collections())
      .flatMap(([name, docs]) => docs.filter((d) => JSON.stringify(d).includes('o-bob')).map(() => name));
    expect((await holds()).length).toBeGreaterThan(0);
    wx.modalAnswers = [true];
    await tap(page, '#delete-data');
    await waitFor(() => results.some((r) => r.action === 'deleteMyData') && !page.data['loading'], 'deleteMyData', W);
    expect(results.find((r) => r.action === 'deleteMyData')!.result).toMatchObject({ ok: true });
    expect(await holds()).toEqual([]);
    expect(remainingOf(page, ORDER)).toContain('0 条');
  });
});

describe('admin pages against the real templates / campaigns', () => {
  it('o-admin fills the editor (quiet hours, cap), previews the card, saves and schedules; the detail shows it', async () => {
    user.openid = 'o-admin';
    const page = mount('pages/admin/campaign-edit/campaign-edit');
    void page.instance['onLoad']({});
    await waitFor(() => page.data['templates'].length > 0, 'templates from the function', W);
    const index = page.data['templates'].findIndex((t: { templateId: string }) => t.templateId === REMINDER);
    expect(page.data['templates'][index]?.templateId).toBe(REMINDER); // found (findIndex gives -1 otherwise)
    change(page, '#template', index);
    await waitFor(() => page.data['fields'].length === 4, 'fields');
    type(page, '#name', '读书会开场提醒');
    const values: Record<string, string> = { thing1: '周末读书会', time2: '2030年1月1日 19:30', thing3: '市图书馆三楼', thing4: '{{nickname}}，别迟到' };
    for (const [k, v] of Object.entries(values)) type(page, `#field-${k}`, v);
    type(page, '#page-path', 'pages/events/events?eventId=evt-demo-reading');
    change(page, '#quiet-enabled', true);
    await waitFor(() => !!page.querySelector('#quiet-start'), 'quiet pickers');
    change(page, '#quiet-start', '22:00');
    change(page, '#quiet-end', '08:00');
    change(page, '#cap-enabled', true);
    await waitFor(() => !!page.querySelector('#cap-max'), 'cap inputs');
    type(page, '#cap-max', '2');
    type(page, '#cap-per-hours', '24');
    change(page, '#state', 3); // 正式版
    await waitFor(() => page.data['previewValid'] === true && !!page.querySelector('#card'), 'card preview (templates.preview)', W);
    expect(textOf(node(page, '#card'))).toContain('周末读书会');
    expect(textOf(node(page, '#card'))).toContain('符合规则');

    await tap(page, '#save');
    await waitFor(() => page.data['id'] !== '', 'created', W);
    change(page, '#date', '2030-01-01');
    change(page, '#time', '18:00');
    await tap(page, '#schedule');
    await waitFor(() => results.some((r) => r.action === 'schedule'), 'schedule', W);
    expect(results.find((r) => r.action === 'schedule')!.result).toMatchObject({ ok: true });
    expect(page.data['problems']).toEqual([]);

    const id = page.data['id'] as string;
    const { campaign } = ok<{ campaign: Record<string, any> }>(await emu.call('campaigns', 'o-admin', { action: 'get', id }));
    expect(campaign).toMatchObject({
      name: '读书会开场提醒', templateId: REMINDER, data: values, page: 'pages/events/events?eventId=evt-demo-reading', status: 'scheduled',
      sendAtLocal: '2030-01-01 18:00', quietHours: { start: '22:00', end: '08:00' }, frequencyCap: { max: 2, perHours: 24 },
      miniprogramState: 'formal', audience: { kind: 'all' },
    });
    expect(campaign['sendAt']).toBe(Date.UTC(2030, 0, 1, 10, 0)); // 18:00 in Beijing

    const detail = mount('pages/admin/campaign-detail/campaign-detail');
    detail.instance['onLoad']({ id });
    detail.instance['onShow']();
    await waitFor(() => detail.data['settings'].length > 0, 'detail', W);
    detail.instance['onUnload']();
    expect(textOf(node(detail, '#status'))).toBe('已排期');
    expect(detail.data['settings']).toEqual(expect.arrayContaining([
      { label: '免打扰时段', value: '22:00–08:00（北京时间，期间的消息顺延到结束后发送）' },
      { label: '频次上限', value: '每 24 小时最多 2 条' },
      { label: '版本', value: '正式版' },
    ]));
  });

  it('a segment with neither tags nor attributes is refused in the page; the function refuses it too', async () => {
    user.openid = 'o-admin';
    const page = mount('pages/admin/campaign-edit/campaign-edit');
    void page.instance['onLoad']({});
    await waitFor(() => page.data['templates'].length > 0, 'templates', W);
    change(page, '#template', page.data['templates'].findIndex((t: { templateId: string }) => t.templateId === REMINDER));
    await waitFor(() => page.data['fields'].length === 4, 'fields');
    type(page, '#name', '空条件');
    for (const k of ['thing1', 'time2', 'thing3', 'thing4']) type(page, `#field-${k}`, k === 'time2' ? '09:00' : '读书会');
    change(page, '#audience-kind', 'segment');
    await tap(page, '#save');
    expect(page.data['problems']).toEqual(['按条件筛选时请至少填写一个标签或属性']);
    expect(callsOf(wx, 'campaigns', 'create')).toHaveLength(0);
    const refused = await emu.call('campaigns', 'o-admin', {
      action: 'create', name: 'x', templateId: REMINDER, data: { thing1: 'a', time2: '09:00', thing3: 'b', thing4: 'c' }, audience: { kind: 'segment' },
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(JSON.stringify(refused)).toContain('a segment needs tags or attributes');
  });

  it('a non-admin sees the refusal in Chinese on the list and in the editor', async () => {
    user.openid = 'o-alice';
    const list = mount('pages/admin/campaigns/campaigns');
    list.instance['onShow']();
    await waitFor(() => !!list.data['error'], 'list refused', W);
    expect(textOf(list)).toContain('没有权限执行此操作');
    const editor = mount('pages/admin/campaign-edit/campaign-edit');
    void editor.instance['onLoad']({});
    await waitFor(() => !!editor.data['error'], 'editor refused', W);
    expect(textOf(node(editor, '#error'))).toBe('没有权限执行此操作');
    expect(results.filter((r) => r.name === 'templates' || r.name === 'campaigns').every((r) => r.result['error']?.code === 'FORBIDDEN')).toBe(true);
  });
});

describe('pages/admin/consent against the real subscriptions function', () => {
  it('an admin reads a user\'s recorded consent; a non-admin is refused, nothing shown', async () => {
    expect(await emu.requestSubscribe('o-carol', [REMINDER], { [REMINDER]: 'accept' })).toMatchObject({ ok: true });
    ok(await emu.call('subscriptions', 'o-carol', {
      action: 'record', requestId: 'seed-o-carol-1-abcdef', placement: { page: 'pages/events/events', button: 'remind' },
      tmplIds: [REMINDER], result: { [REMINDER]: 'accept' },
    }));
    user.openid = 'o-admin';
    const page = mount('pages/admin/consent/consent');
    page.instance['onLoad']({ openid: 'o-carol' });
    await waitFor(() => page.data['rows'].length === 1, 'history row', W);
    expect(textOf(page)).toContain('o-carol 的授权记录');
    expect(textOf(page)).toContain('活动开始提醒：同意（小程序内）');

    user.openid = 'o-carol'; // not an admin: may read only their own history, from 我的订阅
    const refused = mount('pages/admin/consent/consent');
    refused.instance['onLoad']({ openid: 'o-alice' });
    await waitFor(() => !!refused.data['error'], 'refused', W);
    expect(textOf(node(refused, '#error'))).toBe('没有权限执行此操作');
    expect(refused.data['rows']).toEqual([]);
    expect(results.filter((r) => r.name === 'subscriptions' && r.action === 'userHistory').map((r) => r.result['error']?.code ?? 'ok')).toEqual(['ok', 'FORBIDDEN']);
  });
});
