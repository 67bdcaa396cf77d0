/** @jest-environment jsdom */
// Mini program end to end: pages/admin/templates (miniprogram-simulate, official compiler) against the real
// `templates` function in the local emulator (a child process): browse WeChat's library, add a template, see it in
// "my templates", delete it — WeChat (the emulator's simulated account) and the registry follow.
import { bridgeWx, startEmulatorChild, type EmulatorHttp, type SimUser } from './support/emulator-http';
import { change, mount, node, settle, tap, textOf, type, waitFor } from './support/simulate';
import { callsOf, installWx, type WxMock } from './support/wx-mock';

jest.setTimeout(60_000);
const W = 10_000; // a cold function worker starts on first call

let emu: EmulatorHttp;
let wx: WxMock;
const user: SimUser = { openid: 'o-admin', choices: {} };

beforeAll(async () => {
  emu = await startEmulatorChild(Date.now());
  expect(await emu.call('setup', 'o-admin', { demo: true })).toMatchObject({ ok: true });
}, 60_000);
afterAll(async () => {
  await emu?.stop();
});
beforeEach(() => {
  wx = installWx();
  bridgeWx(wx, emu, user);
});

const listed = async (): Promise<string[]> => {
  const r = await emu.call<{ ok: boolean; data: { templates: { templateId: string; title: string }[] } }>('templates', 'o-admin', { action: 'list' });
  return r.data.templates.map((t) => `${t.templateId}:${t.title}`);
};

it('browse → pick keywords → add → listed; delete (confirmed) → gone from WeChat and the registry', async () => {
  user.openid = 'o-admin';
  const page = mount('pages/admin/templates/templates');
  page.instance['onLoad']({});
  await waitFor(() => page.data['mine'].length === 5 && page.data['categories'].length === 3, 'my templates and categories', W);
  const index = page.data['categories'].findIndex((c: { id: number }) => c.id === 616);
  change(page, '#category', index);
  await waitFor(() => page.data['titles'].length === 2, 'titles of 文体活动', W);
  expect(textOf(page)).toContain('签到提醒');
  await tap(page, '#title-1006');
  await waitFor(() => page.data['keywords'].length === 5, 'keywords', W);
  await tap(page, '#kw-2');
  await tap(page, '#kw-1');
  type(page, '#scene', '每日签到提醒');
  await settle();
  await tap(page, '#add');
  await waitFor(() => page.data['mine'].length === 6, 'the new template listed', W);
  const added = callsOf(wx, 'templates', 'add');
  expect(added).toEqual([{ action: 'add', tid: 1006, kidList: [2, 1], sceneDesc: '每日签到提醒' }]);
  const row = page.data['mine'].find((r: { title: string }) => r.title === '签到提醒');
  expect(row).toMatchObject({ keywordsText: '连续天数、签到项目', sourceText: '已同步' });
  expect(await listed()).toContain(`${row.templateId}:签到提醒`);

  await tap(page, `#del-${row.templateId}`);
  await waitFor(() => page.data['mine'].length === 5, 'deleted', W);
  expect(wx.showModal).toHaveBeenCalledTimes(1);
  expect((await listed()).some((t) => t.startsWith(row.templateId))).toBe(false);
  // The seeded template declared in config/templates.json is explained, not deleted.
  await tap(page, '#del-TPL_EVENT_REMINDER');
  await waitFor(() => !!page.data['error'], 'error', W);
  expect(textOf(node(page, '#error'))).toBe('该模板在 config/templates.json 中声明，需先从配置中移除');
});

it('a user who is not an admin sees 没有权限', async () => {
  user.openid = 'o-alice';
  const page = mount('pages/admin/templates/templates');
  page.instance['onLoad']({});
  await waitFor(() => !!page.data['error'], 'error', W);
  expect(textOf(page)).toContain('没有权限');
});
