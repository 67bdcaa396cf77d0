/** @jest-environment jsdom */
// Mini program admin page tests (miniprogram-simulate, official compiler): pages/admin/templates — my templates with
// delete (confirmed) and sync; adding from WeChat's library: category → title → keywords in order → scene → add.
import { addProblem, togglePick } from '../../miniprogram/lib/template-library';
import { fakeLibrary } from './support/fake-admin';
import { change, mount, node, settle, tap, textOf, type, waitFor, type Comp } from './support/simulate';
import { callsOf, installWx, type WxMock } from './support/wx-mock';

let wx: WxMock;
let lib: ReturnType<typeof fakeLibrary>;

beforeEach(() => {
  wx = installWx();
  lib = fakeLibrary();
  wx.handlers['templates'] = lib.handler;
});

/** Types and lets the input event's handler run (it is delivered after the current task). */
async function typeIn(page: Comp, selector: string, value: string): Promise<void> {
  type(page, selector, value);
  await settle();
}

async function open(): Promise<Comp> {
  const page = mount('pages/admin/templates/templates');
  page.instance['onLoad']({});
  await waitFor(() => page.data['mine'].length === 2 && page.data['categories'].length === 2, 'templates and categories');
  return page;
}

async function chooseSignIn(page: Comp): Promise<void> {
  const before = callsOf(wx, 'templates', 'titles').length;
  change(page, '#category', 0);
  await waitFor(() => callsOf(wx, 'templates', 'titles').length === before + 1 && page.data['titles'].length === 30, 'first page of titles');
  await tap(page, '#title-2000');
  await waitFor(() => page.data['keywords'].length === 6, 'keywords');
  await settle();
}

describe('pages/admin/templates', () => {
  it('is linked from the campaigns page', async () => {
    wx.handlers['campaigns'] = () => ({ ok: true, data: { campaigns: [] } });
    const page = mount('pages/admin/campaigns/campaigns');
    await tap(page, '#templates');
    expect(wx.navigateTo.mock.calls[0][0].url).toBe('/pages/admin/templates/templates');
  });

  it('lists my templates with kind, keywords and source', async () => {
    const page = await open();
    const text = textOf(node(page, '#t-TPL_EVENT_REMINDER'));
    expect(text).toContain('活动开始提醒');
    expect(text).toContain('一次性订阅');
    expect(text).toContain('活动名称、开始时间、活动地点、温馨提示');
  });

  it('browse a category (paged), pick keywords in order, describe the scene, add: the new template is listed', async () => {
    const page = await open();
    change(page, '#category', 0);
    await waitFor(() => page.data['titles'].length === 30, 'titles');
    expect(callsOf(wx, 'templates', 'titles')).toHaveLength(1);
    expect(lib.calls.find((c) => c['action'] === 'titles')).toEqual({ action: 'titles', categoryIds: [616], start: 0, limit: 30 });
    expect(textOf(page)).toContain('加载更多（共 35 个）');
    await tap(page, '#more');
    await waitFor(() => page.data['titles'].length === 35, 'second page');
    expect(lib.calls.filter((c) => c['action'] === 'titles')[1]).toMatchObject({ start: 30 });
    expect(page.querySelector('#more')).toBeUndefined();

    await tap(page, '#title-2000');
    await waitFor(() => page.data['keywords'].length === 6, 'keywords');
    expect(textOf(node(page, '#chosen'))).toBe('签到提醒');
    await tap(page, '#kw-2');
    await tap(page, '#kw-3');
    await tap(page, '#kw-1');
    await tap(page, '#kw-3'); // tapped again: unpicked
    expect(page.data['picked']).toEqual([2, 1]); // the order of picking = the order on the card
    expect(textOf(node(page, '#kw-2'))).toContain('1');
    await typeIn(page, '#scene', '每日签到提醒');
    expect(textOf(page)).toContain('使用场景（6/15）');
    await tap(page, '#add');
    await waitFor(() => page.data['mine'].length === 3, 'new template listed');
    expect(lib.calls.find((c) => c['action'] === 'add')).toEqual({ action: 'add', tid: 2000, kidList: [2, 1], sceneDesc: '每日签到提醒' });
    expect(textOf(node(page, '#t-NEW_2000_1'))).toContain('连续天数、签到项目');
    expect(page.data['tid']).toBe(0); // the form is reset
  });

  it('checks before calling: 2 to 5 keywords, a scene of 1 to 15 characters; a sixth keyword is refused', async () => {
    const page = await open();
    await chooseSignIn(page);
    await tap(page, '#kw-1');
    await typeIn(page, '#scene', '签到');
    await tap(page, '#add');
    expect(textOf(node(page, '#problem'))).toBe('请至少选择 2 个关键词');
    for (const kid of [2, 3, 4, 5, 6]) await tap(page, `#kw-${kid}`);
    expect(page.data['picked']).toEqual([1, 2, 3, 4, 5]);
    expect(wx.showToast.mock.calls.at(-1)[0].title).toBe('最多选择 5 个关键词');
    await typeIn(page, '#scene', '一二三四五六七八九十一二三四五六');
    await tap(page, '#add');
    expect(textOf(node(page, '#problem'))).toBe('使用场景最多 15 个字');
    await typeIn(page, '#scene', '   ');
    await tap(page, '#add');
    expect(textOf(node(page, '#problem'))).toBe('请填写使用场景');
    expect(lib.calls.filter((c) => c['action'] === 'add')).toHaveLength(0);
  });

  it('adding the same title and keywords twice says so in Chinese', async () => {
    const page = await open();
    for (let i = 0; i < 2; i++) {
      await chooseSignIn(page);
      await tap(page, '#kw-1');
      await tap(page, '#kw-3');
      await typeIn(page, '#scene', '签到');
      await tap(page, '#add');
      await waitFor(() => lib.calls.filter((c) => c['action'] === 'add').length === i + 1, 'add');
      await waitFor(() => !page.data['busy'], 'done');
    }
    expect(textOf(node(page, '#add-error'))).toBe('已有相同标题和关键词的模板，无需重复添加');
    expect(page.data['mine']).toHaveLength(3);
  });

  it('delete asks first; cancel keeps it, confirm deletes it; a declared template is explained', async () => {
    const page = await open();
    await chooseSignIn(page);
    await tap(page, '#kw-1');
    await tap(page, '#kw-2');
    await typeIn(page, '#scene', '签到');
    await tap(page, '#add');
    await waitFor(() => page.data['mine'].length === 3, 'added');

    wx.modalAnswers.push(false);
    await tap(page, '#del-NEW_2000_1');
    await waitFor(() => wx.showModal.mock.calls.length === 1, 'confirm');
    expect(wx.showModal.mock.calls[0][0]).toMatchObject({ title: '删除模板', content: expect.stringContaining('签到提醒'), confirmText: '删除' });
    expect(lib.calls.filter((c) => c['action'] === 'delete')).toHaveLength(0);

    wx.modalAnswers.push(true);
    await tap(page, '#del-NEW_2000_1');
    await waitFor(() => page.data['mine'].length === 2, 'deleted');
    expect(lib.calls.filter((c) => c['action'] === 'delete')).toEqual([{ action: 'delete', templateId: 'NEW_2000_1' }]);

    wx.modalAnswers.push(true);
    await tap(page, '#del-TPL_EVENT_REMINDER');
    await waitFor(() => !!page.data['error'], 'error');
    expect(textOf(node(page, '#error'))).toBe('该模板在 config/templates.json 中声明，需先从配置中移除');
    expect(page.data['mine']).toHaveLength(2);
  });

  it('sync calls templates.sync and reloads the list', async () => {
    const page = await open();
    await tap(page, '#sync');
    await waitFor(() => lib.calls.filter((c) => c['action'] === 'list').length === 2, 'reloaded');
    expect(lib.calls.some((c) => c['action'] === 'sync')).toBe(true);
    expect(wx.showToast.mock.calls.at(-1)[0].title).toBe('同步完成：新增 0，更新 0，移除 0');
  });

  it('a non-admin sees the FORBIDDEN message in Chinese', async () => {
    wx.handlers['templates'] = () => ({ ok: false, error: { code: 'FORBIDDEN', message: 'action list is for admins only' } });
    const page = mount('pages/admin/templates/templates');
    page.instance['onLoad']({});
    await waitFor(() => !!page.data['error'], 'error');
    expect(textOf(page)).toContain('没有权限');
  });
});

describe('lib/template-library', () => {
  it('togglePick keeps the order of picking, unpicks on a second tap and refuses a sixth', () => {
    expect(togglePick([], 3)).toEqual({ picked: [3], refused: false });
    expect(togglePick([3], 1)).toEqual({ picked: [3, 1], refused: false });
    expect(togglePick([3, 1], 3)).toEqual({ picked: [1], refused: false });
    expect(togglePick([1, 2, 3, 4, 5], 6)).toEqual({ picked: [1, 2, 3, 4, 5], refused: true });
  });
  it('addProblem mirrors the server limits', () => {
    expect(addProblem([1, 2], '签到')).toBe('');
    expect(addProblem([1, 2], '一二三四五六七八九十一二三四五')).toBe('');
    expect(addProblem([1, 2], '签\n到')).toBe('使用场景不能换行');
    expect(addProblem([1, 2, 3, 4, 5, 6], '签到')).toBe('最多选择 5 个关键词');
  });
});
