/** @jest-environment jsdom */
// Mini program end to end: the real pages (miniprogram-simulate, official compiler) against the real functions in
// the local emulator (a child process, see support/emulator-http.ts) — wx.cloud.callFunction, requestSubscribeMessage
// and getSetting go to the emulator; assertions read both the pages' data and the emulator's state.
import { bridgeWx, startEmulatorChild, type EmulatorHttp, type SimUser } from './support/emulator-http';
import { mount, tap, textOf, waitFor, type Comp } from './support/simulate';
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

const node = (page: Comp, sel: string): Comp => {
  const c = page.querySelector(sel);
  if (!c) throw new Error(`no ${sel}`);
  return c;
};
const type = (page: Comp, sel: string, value: string) => node(page, sel).dispatchEvent('input', { detail: { value } });
const change = (page: Comp, sel: string, value: string | number | boolean) => node(page, sel).dispatchEvent('change', { detail: { value } });
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

    // The user taps the card: the events page opens with its query and reports the open once.
    const query = queryOf(String(inbox[0]!['page']));
    expect(query['eventId']).toBe('evt-demo-meditation');
    const deliveryId = decodeURIComponent(query['deliveryId'] ?? '');
    expect(deliveryId).not.toBe('');
    const opened = mount('pages/events/events');
    opened.instance['onLoad'](query);
    await waitFor(() => results.some((r) => r.name === 'track'), 'track.open', W);
    expect(callsOf(wx, 'track', 'open')).toEqual([{ action: 'open', deliveryId }]);
    expect(results.find((r) => r.name === 'track')!.result).toEqual({ ok: true, data: { counted: true } });
    await waitFor(() => !opened.data['loading'] && opened.data['rows'].length > 0, 'events again', W);
    expect(opened.data['rows'].find((r: { id: string }) => r.id === 'evt-demo-meditation')).toMatchObject({ highlight: true });
    const delivery = (await emu.collections())['deliveries']?.find((d) => d['_id'] === deliveryId);
    expect(delivery).toMatchObject({ status: 'sent', openedAt: expect.any(Number) });
  });

  it('a reject records the choice and creates no reminder', async () => {
    user.openid = 'o-dev';
    user.choices = { [REMINDER]: 'reject' };
    const page = mount('pages/events/events');
    page.instance['onLoad']({});
    await waitFor(() => page.data['rows'].length > 0 && !page.data['loading'], 'events', W);
    const id = page.data['rows'].find((r: { canRemind: boolean }) => r.canRemind).id as string;
    await tap(node(page, `#remind-${id}`), '#btn');
    await waitFor(() => results.some((r) => r.action === 'record'), 'record', W);
    await new Promise((r) => setTimeout(r, 200));
    expect(callsOf(wx, 'reminders', 'create')).toHaveLength(0);
    expect(await grantOf('o-dev', REMINDER)).toMatchObject({ remaining: 0, lastResult: 'reject' });
    expect(ok<{ reminders: unknown[] }>(await emu.call('reminders', 'o-dev', { action: 'list' })).reminders).toEqual([]);
  });
});
