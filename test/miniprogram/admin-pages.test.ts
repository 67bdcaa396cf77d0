/** @jest-environment jsdom */
// Mini program admin page tests (miniprogram-simulate, official compiler): campaign list, editor, detail.
import { fakeCampaigns, fakeTemplates } from './support/fake-admin';
import { change, mount, node, sleep, tap, textOf, type, waitFor, type Comp } from './support/simulate';
import { callsOf, installWx, type WxMock } from './support/wx-mock';

let wx: WxMock;
let tpl: ReturnType<typeof fakeTemplates>;
let camp: ReturnType<typeof fakeCampaigns>;

beforeEach(() => {
  wx = installWx();
  tpl = fakeTemplates();
  camp = fakeCampaigns();
  wx.handlers['templates'] = tpl.handler;
  wx.handlers['campaigns'] = camp.handler;
  (globalThis as any).wx.redirectTo = jest.fn();
});


describe('pages/admin/campaigns', () => {
  it('lists campaigns with status and progress; tapping opens the detail', async () => {
    camp.campaigns['c9'] = { _id: 'c9', name: '读书会提醒', templateId: 'TPL_EVENT_REMINDER', status: 'running', sendAt: Date.UTC(2026, 0, 1, 1, 0),
      progress: { targeted: 200, sent: 90, skipped: 5, failed: 5, pending: 100 } };
    const page = mount('pages/admin/campaigns/campaigns');
    page.instance['onShow']();
    await waitFor(() => page.data['rows'].length === 1, 'rows');
    const text = textOf(page);
    expect(text).toContain('读书会提醒');
    expect(text).toContain('发送中');
    expect(text).toContain('2026-01-01 09:00'); // 01:00 UTC shown in Beijing time
    expect(page.data['rows'][0].percent).toBe(50);
    await tap(page, '#c-c9');
    await waitFor(() => wx.navigateTo.mock.calls.length === 1, 'navigate');
    expect(wx.navigateTo.mock.calls[0][0].url).toBe('/pages/admin/campaign-detail/campaign-detail?id=c9');
  });

  it('a non-admin sees the FORBIDDEN message in Chinese', async () => {
    wx.handlers['campaigns'] = () => ({ ok: false, error: { code: 'FORBIDDEN', message: 'action list is for admins only' } });
    const page = mount('pages/admin/campaigns/campaigns');
    page.instance['onShow']();
    await waitFor(() => !!page.data['error'], 'error');
    expect(textOf(page)).toContain('没有权限');
  });
});

describe('pages/admin/campaign-edit', () => {
  async function open(): Promise<Comp> {
    const page = mount('pages/admin/campaign-edit/campaign-edit');
    void page.instance['onLoad']({});
    await waitFor(() => page.data['templates'].length === 2, 'templates');
    return page;
  }

  it('fields follow the template; typing is checked by a debounced templates.preview; the card is previewed', async () => {
    const page = await open();
    change(page, '#template', 0);
    await waitFor(() => page.data['fields'].length === 4, 'fields');
    await sleep(500);
    tpl.previews.length = 0;
    for (const v of ['周', '周末读书会', '周末读书会周末读书会周末读书会周末读书会周末']) type(page, '#field-thing1', v);
    await waitFor(() => tpl.previews.length === 1 && !!page.querySelector('#error-thing1'), 'preview + error');
    await sleep(500);
    expect(tpl.previews).toHaveLength(1); // three keystrokes, one call
    expect(tpl.previews[0]).toEqual({ action: 'preview', templateId: 'TPL_EVENT_REMINDER', data: { thing1: '周末读书会周末读书会周末读书会周末读书会周末' } });
    expect(textOf(page)).toContain('“活动名称”太长：20 个字以内');
    type(page, '#field-thing1', '周末读书会');
    await waitFor(() => !page.querySelector('#error-thing1'), 'error cleared');
    expect(textOf(node(page, '#card'))).toContain('周末读书会');
  });

  it('save → create with the form; audience preview; schedule in Asia/Shanghai', async () => {
    const page = await open();
    change(page, '#template', 0);
    type(page, '#name', '读书会开场提醒');
    await waitFor(() => page.data['fields'].length === 4, 'fields');
    const values: Record<string, string> = { thing1: '周末读书会', time2: '2030年1月1日 09:00', thing3: '图书馆三楼', thing4: '{{nickname}}，别迟到' };
    for (const [k, v] of Object.entries(values)) type(page, `#field-${k}`, v);
    type(page, '#page-path', 'pages/events/events?eventId=ev-1');
    change(page, '#audience-kind', 'segment');
    await waitFor(() => !!page.querySelector('#tags'), 'tags input');
    type(page, '#tags', 'vip，book, vip');
    type(page, '#attributes', 'city=上海, level=3, member=true, code="7"');
    change(page, '#quiet-enabled', true);
    await waitFor(() => !!page.querySelector('#quiet-start'), 'quiet hours pickers');
    change(page, '#quiet-start', '21:30');
    change(page, '#quiet-end', '07:00');
    change(page, '#cap-enabled', true);
    await waitFor(() => !!page.querySelector('#cap-max'), 'cap inputs');
    type(page, '#cap-max', '2');
    type(page, '#cap-per-hours', '48');
    change(page, '#state', 2);
    change(page, '#lang', 1);
    await waitFor(() => page.data['stateIndex'] === 2 && page.data['langIndex'] === 1, 'pickers');
    expect(textOf(node(page, '#options'))).toContain('体验版');
    expect(textOf(node(page, '#options'))).toContain('简体中文');
    await tap(page, '#preview-audience');
    await waitFor(() => !!page.querySelector('#audience'), 'audience');
    expect(page.data['problems']).toEqual([]);
    expect(callsOf(wx, 'campaigns', 'create')).toEqual([{
      action: 'create', name: '读书会开场提醒', templateId: 'TPL_EVENT_REMINDER', data: values,
      page: 'pages/events/events?eventId=ev-1',
      audience: { kind: 'segment', tags: ['vip', 'book'], attributes: { city: '上海', level: 3, member: true, code: '7' } },
      quietHours: { start: '21:30', end: '07:00' }, frequencyCap: { max: 2, perHours: 48 }, miniprogramState: 'trial', lang: 'zh_CN',
    }]);
    expect(textOf(node(page, '#audience'))).toContain('可触达 7 人');

    change(page, '#date', '2030-01-01');
    change(page, '#time', '08:30');
    await tap(page, '#schedule');
    await waitFor(() => callsOf(wx, 'campaigns', 'schedule').length === 1, 'schedule');
    expect(callsOf(wx, 'campaigns', 'schedule')[0]).toEqual({ action: 'schedule', id: 'c1', sendAt: '2030-01-01 08:30', zone: 'Asia/Shanghai' });
    expect(callsOf(wx, 'campaigns', 'create')).toHaveLength(1); // later saves update the same draft
    expect(callsOf(wx, 'campaigns', 'update')).toHaveLength(1);
    expect(callsOf(wx, 'campaigns', 'update')[0]!['patch']).toMatchObject({ quietHours: { start: '21:30', end: '07:00' }, frequencyCap: { max: 2, perHours: 48 } });
  });

  it('editing a stored campaign fills every option; switching quiet hours and the cap off clears them', async () => {
    camp.campaigns['c7'] = { _id: 'c7', name: '夜跑', templateId: 'TPL_APPLY_RESULT', data: { enum1: '已通过', name2: '张三' }, status: 'draft',
      audience: { kind: 'segment', attributes: { city: '上海', level: 3 } }, quietHours: { start: '22:00', end: '08:00' },
      frequencyCap: { max: 1, perHours: 24 }, miniprogramState: 'formal', lang: 'en_US' };
    const page = mount('pages/admin/campaign-edit/campaign-edit');
    void page.instance['onLoad']({ id: 'c7' });
    await waitFor(() => page.data['id'] === 'c7' && page.data['fields'].length === 2, 'stored campaign');
    expect(page.data['form']).toMatchObject({ audienceKind: 'segment', attributes: 'city=上海, level=3', quietEnabled: true, quietStart: '22:00',
      capEnabled: true, capMax: '1', capPerHours: '24', miniprogramState: 'formal', lang: 'en_US' });
    expect(textOf(node(page, '#options'))).toContain('正式版');
    change(page, '#quiet-enabled', false);
    change(page, '#cap-enabled', false);
    change(page, '#state', 0);
    await tap(page, '#save');
    await waitFor(() => callsOf(wx, 'campaigns', 'update').length === 1, 'update');
    expect(callsOf(wx, 'campaigns', 'update')[0]).toEqual({ action: 'update', id: 'c7', patch: {
      name: '夜跑', templateId: 'TPL_APPLY_RESULT', data: { enum1: '已通过', name2: '张三' }, page: null,
      audience: { kind: 'segment', attributes: { city: '上海', level: 3 } }, quietHours: null, frequencyCap: null, lang: 'en_US',
    } });
  });

  it('options are checked before saving, in Chinese', async () => {
    const page = await open();
    change(page, '#template', 1);
    await waitFor(() => page.data['fields'].length === 2, 'fields');
    type(page, '#name', '申请结果');
    type(page, '#field-enum1', '已通过');
    type(page, '#field-name2', '张三');
    change(page, '#audience-kind', 'segment');
    await waitFor(() => !!page.querySelector('#attributes'), 'attributes input');
    type(page, '#attributes', '城市=上海');
    change(page, '#quiet-enabled', true);
    await waitFor(() => !!page.querySelector('#quiet-start'), 'quiet pickers');
    change(page, '#quiet-start', '25:00');
    change(page, '#cap-enabled', true);
    await waitFor(() => !!page.querySelector('#cap-max'), 'cap inputs');
    type(page, '#cap-max', '0');
    type(page, '#cap-per-hours', '1.5');
    await tap(page, '#save');
    expect(page.data['problems']).toEqual([
      '属性“城市=上海”格式不正确：应为 名称=值，名称以英文字母开头，如 city=上海',
      '免打扰时段的时间格式应为 HH:mm，如 22:00',
      '频次上限的条数须为 1–100 的正整数',
      '频次上限的时长须为 1–720 的正整数（小时）',
    ]);
    type(page, '#attributes', '');
    change(page, '#quiet-start', '08:00');
    change(page, '#quiet-end', '08:00');
    type(page, '#cap-max', '3');
    type(page, '#cap-per-hours', '24');
    await tap(page, '#save');
    expect(page.data['problems']).toEqual(['按条件筛选时请至少填写一个标签或属性', '免打扰时段的开始和结束时间不能相同']);
    expect(callsOf(wx, 'campaigns', 'create')).toHaveLength(0);
  });

  it('refuses to save with empty keywords and to schedule in the past', async () => {
    const page = await open();
    await tap(page, '#save');
    expect(page.data['problems']).toEqual(['请填写活动名称', '请选择消息模板']);
    change(page, '#date', '2001-01-01');
    change(page, '#time', '08:00');
    await tap(page, '#schedule');
    expect(page.data['problems']).toEqual(['发送时间必须晚于现在']);
    change(page, '#template', 1);
    await waitFor(() => page.data['fields'].length === 2, 'fields of TPL_APPLY_RESULT');
    type(page, '#name', '申请结果');
    change(page, '#audience-kind', 'segment');
    type(page, '#page-path', '/pages/x?a=b c');
    await tap(page, '#save');
    expect(page.data['problems']).toEqual(['请填写“申请结果”', '请填写“申请人”', '页面路径格式不正确，如 pages/events/events?eventId=1', '按条件筛选时请至少填写一个标签或属性']);
    expect(callsOf(wx, 'campaigns', 'create')).toHaveLength(0);
  });
});

describe('pages/admin/campaign-detail', () => {
  it('polls stats while running, shows counts by outcome and opens, stops when completed', async () => {
    camp.campaigns['c1'] = { _id: 'c1', name: '读书会开场提醒', templateId: 'TPL_EVENT_REMINDER', status: 'running', sendAtLocal: '2030-01-01 08:30',
      audience: { kind: 'segment', tags: ['vip'], attributes: { city: '上海' } }, quietHours: { start: '22:00', end: '08:00' },
      frequencyCap: { max: 2, perHours: 24 }, miniprogramState: 'trial', lang: 'zh_CN' };
    camp.stats['c1'] = { targeted: 10, sent: 4, skipped: { no_grant: 1 }, failed: { '43101': 1 }, unknown: 0, opened: 2, pending: 4 };
    const page = mount('pages/admin/campaign-detail/campaign-detail');
    page.instance['onLoad']({ id: 'c1' });
    page.instance['onShow']();
    await waitFor(() => page.data['stats'] !== null, 'stats');
    expect(page.data['stats'].percent).toBe(60);
    const text = textOf(page);
    expect(text).toContain('没有剩余订阅');
    expect(text).toContain('用户未订阅或次数已用完（43101）');
    expect(textOf(node(page, '#open-rate'))).toContain('50%');
    expect(page.data['settings']).toEqual([
      { label: '受众', value: '按条件筛选：标签 vip；属性 city=上海' },
      { label: '免打扰时段', value: '22:00–08:00（北京时间，期间的消息顺延到结束后发送）' },
      { label: '频次上限', value: '每 24 小时最多 2 条' },
      { label: '版本', value: '体验版' },
      { label: '语言', value: '简体中文' },
    ]);
    expect(textOf(node(page, '#settings'))).toContain('每 24 小时最多 2 条'); // rendered, not only in data

    camp.stats['c1'] = { targeted: 10, sent: 8, skipped: { no_grant: 1 }, failed: { '43101': 1 }, unknown: 0, opened: 3, pending: 0 };
    camp.campaigns['c1']!['status'] = 'completed';
    await waitFor(() => page.data['stats'].percent === 100, 'live update', 5000);
    expect(textOf(node(page, '#status'))).toBe('已完成');
    const statsCalls = callsOf(wx, 'campaigns', 'stats').length;
    await sleep(2300);
    expect(callsOf(wx, 'campaigns', 'stats')).toHaveLength(statsCalls); // polling stopped
    expect(page.querySelector('#pause')).toBeUndefined();
    page.instance['onUnload']();
  });

  it('pause and resume', async () => {
    camp.campaigns['c2'] = { _id: 'c2', name: 'x', templateId: 'TPL_EVENT_REMINDER', status: 'scheduled' };
    const page = mount('pages/admin/campaign-detail/campaign-detail');
    page.instance['onLoad']({ id: 'c2' });
    page.instance['onShow']();
    await waitFor(() => !!page.querySelector('#pause'), 'pause button');
    expect(page.querySelector('#edit')).not.toBeUndefined(); // nothing sent yet: the server still accepts edits
    await tap(page, '#pause');
    await waitFor(() => !!page.querySelector('#resume'), 'resume button');
    expect(page.querySelector('#edit')).toBeUndefined(); // paused: the server refuses edits (core EDITABLE)
    await tap(page, '#resume');
    await waitFor(() => camp.campaigns['c2']!['status'] === 'running', 'resumed');
    expect(callsOf(wx, 'campaigns', 'pause')).toEqual([{ action: 'pause', id: 'c2' }]);
    page.instance['onUnload']();
  });
});
