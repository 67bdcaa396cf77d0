/** @jest-environment jsdom */
// Mini program admin page tests (miniprogram-simulate, official compiler): campaign list, editor, detail.
import * as fs from 'fs';
import * as path from 'path';
import { buildMiniprogram } from './support/build';
import { fakeCampaigns, fakeTemplates, TEMPLATE_VIEWS } from './support/fake-admin';
import { change, mount, node, settle, sleep, tap, textOf, type, waitFor, type Comp } from './support/simulate';
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

/** The campaign editor, opened for a new campaign, once its templates are loaded. */
async function open(): Promise<Comp> {
  const page = mount('pages/admin/campaign-edit/campaign-edit');
  void page.instance['onLoad']({});
  await waitFor(() => page.data['templates'].length === 2, 'templates');
  return page;
}

describe('pages/admin/campaign-edit', () => {
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
    expect(page.data['problems']).toEqual(['请填写推送名称', '请选择消息模板']);
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

// ---- rough edges a new user saw, one test each ------------------------------------------------------------------

describe('pages/admin/campaign-detail — rough edges', () => {
  const open = (id: string) => {
    const page = mount('pages/admin/campaign-detail/campaign-detail');
    page.instance['onLoad']({ id });
    page.instance['onShow']();
    return page;
  };

  it('an unknown id shows 未找到该活动 and no actions (no empty card with 取消活动)', async () => {
    const page = open('nope');
    await waitFor(() => page.data['notFound'] === true, 'not found');
    expect(textOf(page)).toContain('未找到该活动');
    for (const b of ['#cancel', '#pause', '#resume', '#edit', '#progress']) expect(page.querySelector(b)).toBeUndefined();
    expect(textOf(page)).not.toContain('模板：');
    page.instance['onUnload']();
  });

  it('shows the template title and the message as it will read, not the raw template id', async () => {
    camp.campaigns['c3'] = { _id: 'c3', name: '读书会', templateId: 'TPL_EVENT_REMINDER', status: 'draft', data: { thing1: '周末读书会', thing3: '图书馆三楼' } };
    const page = open('c3');
    await waitFor(() => !!page.querySelector('#content'), 'content');
    expect(textOf(node(page, '#template'))).toBe(`模板：${TEMPLATE_VIEWS[0]!.title}`);
    expect(textOf(node(page, '#template'))).not.toContain('TPL_EVENT_REMINDER');
    const content = textOf(node(page, '#content'));
    expect(content).toContain('周末读书会');
    expect(content).toContain('图书馆三楼');
    page.instance['onUnload']();
  });

  it('shows the rate and the ETA while running', async () => {
    camp.campaigns['c4'] = { _id: 'c4', name: 'x', templateId: 'TPL_EVENT_REMINDER', status: 'running', data: {} };
    camp.stats['c4'] = { targeted: 100, sent: 10, skipped: {}, failed: {}, unknown: 0, opened: 0, pending: 90, cancelled: 0 };
    const page = open('c4');
    await waitFor(() => page.data['stats'] !== null, 'stats');
    expect(textOf(node(page, '#speed'))).toContain('计算中');
    camp.stats['c4'] = { targeted: 100, sent: 30, skipped: {}, failed: {}, unknown: 0, opened: 0, pending: 70, cancelled: 0 };
    await waitFor(() => page.data['stats'].progressText === '30 / 100', 'second read', 5000);
    expect(textOf(node(page, '#speed'))).toMatch(/速度：\d+(\.\d)? 条\/秒 · 预计完成：约 \d+ 秒/);
    page.instance['onUnload']();
  });

  it('a quarantined campaign is shown in warning colour with what to do next (not a green 100% bar)', async () => {
    camp.campaigns['c5'] = { _id: 'c5', name: 'x', templateId: 'TPL_EVENT_REMINDER', status: 'quarantined', data: {}, quarantineReason: '47003 模板参数不合规' };
    camp.stats['c5'] = { targeted: 10, sent: 3, skipped: {}, failed: { '47003': 1 }, unknown: 0, opened: 0, pending: 0, cancelled: 0 };
    const page = open('c5');
    await waitFor(() => !!page.querySelector('#next-step'), 'next step');
    expect(page.data['warn']).toBe(true);
    expect(textOf(node(page, '#next-step'))).toContain('编辑');
    expect(textOf(node(page, '#next-step'))).toContain('47003 模板参数不合规');
    expect(page.querySelector('#edit')).not.toBeUndefined();
    expect(page.querySelector('#cancel')).not.toBeUndefined();
    expect(textOf(page)).toContain('已隔离');
    page.instance['onUnload']();
  });

  it('a campaign scheduled a month ahead is not polled; a running one backs off while nothing changes', async () => {
    camp.campaigns['c6'] = { _id: 'c6', name: 'x', templateId: 'TPL_EVENT_REMINDER', status: 'scheduled', data: {}, sendAt: Date.now() + 30 * 86_400_000, sendAtLocal: '2030-01-01 09:00' };
    const page = open('c6');
    await waitFor(() => page.data['status'] === 'scheduled', 'loaded');
    const reads = callsOf(wx, 'campaigns', 'stats').length;
    await sleep(2500);
    expect(callsOf(wx, 'campaigns', 'stats')).toHaveLength(reads);
    expect(textOf(node(page, '#poll'))).toContain('发送时间临近时自动刷新');
    page.instance['onUnload']();

    camp.campaigns['c7'] = { _id: 'c7', name: 'y', templateId: 'TPL_EVENT_REMINDER', status: 'running', data: {} };
    camp.stats['c7'] = { targeted: 10, sent: 1, skipped: {}, failed: {}, unknown: 0, opened: 0, pending: 9, cancelled: 0 };
    const running = open('c7');
    await waitFor(() => running.data['pollText'] === '2 秒后自动刷新', 'first poll at 2 s');
    await waitFor(() => running.data['pollText'] === '4 秒后自动刷新', 'nothing moved: 4 s', 4000);
    running.instance['onUnload']();
  });

  it('shows the campaign\'s own zone, not a hard-coded 北京时间', async () => {
    camp.campaigns['c8'] = { _id: 'c8', name: 'x', templateId: 'TPL_EVENT_REMINDER', status: 'paused', data: {}, zone: 'Europe/Berlin', sendAtLocal: '2030-01-01 09:00', quietHours: { start: '22:00', end: '08:00' } };
    const page = open('c8');
    await waitFor(() => page.data['status'] === 'paused', 'loaded');
    expect(textOf(node(page, '#send-at'))).toBe('发送时间：2030-01-01 09:00（Europe/Berlin）');
    expect(textOf(node(page, '#settings'))).toContain('22:00–08:00（Europe/Berlin');
    expect(textOf(page)).not.toContain('北京时间');
    page.instance['onUnload']();
  });

  it('draws the funnel, sends per hour and conversion per placement as bars, with counts and rates', async () => {
    camp.campaigns['c9'] = { _id: 'c9', name: 'x', templateId: 'TPL_EVENT_REMINDER', status: 'completed', data: {} };
    camp.analytics['c9'] = {
      source: { sourceType: 'campaign', sourceId: 'c9' }, outcomes: { sent: 8, skipped: 2, failed: 0, unknown: 0, cancelled: 0, pending: 0 },
      funnel: [{ stage: 'targeted', n: 10, rate: null }, { stage: 'sent', n: 8, rate: 0.8 }, { stage: 'delivered', n: 6, rate: 0.75 }, { stage: 'opened', n: 3, rate: 0.5 }],
      ctr: 0.5, receiptFailed: 1, sendsPerHour: [{ hour: Date.UTC(2026, 4, 1, 1), n: 5 }, { hour: Date.UTC(2026, 4, 1, 2), n: 3 }],
      placements: [{ page: 'pages/events/events', button: 'remind', taps: 4, accepts: 3, rate: 0.75 }], zone: 'Asia/Shanghai', status: 'completed',
    };
    const page = open('c9');
    await waitFor(() => !!page.querySelector('#charts'), 'charts');
    const charts = textOf(node(page, '#charts'));
    expect(charts).toContain('点击率 50%');
    expect(textOf(node(page, '#funnel-2'))).toContain('已送达');
    expect(textOf(node(page, '#funnel-2'))).toContain('6（75%）');
    expect(page.data['charts'].funnel.map((b: { width: number }) => b.width)).toEqual([100, 80, 60, 30]);
    expect(charts).toContain('05-01 09:00');
    expect(charts).toContain('4 次 → 同意 3（75%）');
    expect(charts).toContain('送达失败 1 条');
    page.instance['onUnload']();
  });
});

describe('pages/admin/campaigns — rough edges', () => {
  it('refreshes on every show, on pull-down, and by itself while a campaign is sending', async () => {
    camp.campaigns['r1'] = { _id: 'r1', name: '读书会', templateId: 'TPL_EVENT_REMINDER', status: 'running', progress: { targeted: 10, sent: 1, pending: 9 } };
    const page = mount('pages/admin/campaigns/campaigns');
    page.instance['onShow']();
    await waitFor(() => page.data['rows'].length === 1, 'rows');
    camp.campaigns['r1']!['progress'] = { targeted: 10, sent: 6, pending: 4 };
    await waitFor(() => page.data['rows'][0].percent === 60, 'refreshed by itself', 5000);
    page.instance['onHide']();
    camp.campaigns['r2'] = { _id: 'r2', name: '新活动', templateId: 'TPL_EVENT_REMINDER', status: 'draft' };
    page.instance['onShow'](); // back from the editor
    await waitFor(() => page.data['rows'].length === 2, 'shown again');
    camp.campaigns['r3'] = { _id: 'r3', name: '又一个', templateId: 'TPL_EVENT_REMINDER', status: 'draft' };
    page.instance['onPullDownRefresh']();
    await waitFor(() => page.data['rows'].length === 3, 'pull-down');
    expect((globalThis as any).wx.stopPullDownRefresh).toHaveBeenCalled();
    page.instance['onUnload']();
  });

  it('the list counts failed and unknown apart, like the detail page; quarantined drawn in warning colour', async () => {
    camp.campaigns['q1'] = { _id: 'q1', name: '隔离', templateId: 'TPL_EVENT_REMINDER', status: 'quarantined', progress: { targeted: 20, sent: 11, unknown: 9 } };
    const page = mount('pages/admin/campaigns/campaigns');
    page.instance['onShow']();
    await waitFor(() => page.data['rows'].length === 1, 'rows');
    const text = textOf(page);
    expect(text).toContain('发送失败 0');
    expect(text).toContain('结果未知 9');
    expect(page.data['rows'][0].warn).toBe(true);
    page.instance['onUnload']();
  });
});

describe('pages/admin/campaign-edit — rough edges', () => {
  it('test-send results read nickname (or a masked openid) and a Chinese reason', async () => {
    const base = camp.handler;
    wx.handlers['campaigns'] = (d) => d['action'] === 'testSend'
      ? { ok: true, data: { results: [
        { openid: 'o-admin', nickname: '管理员小王', outcome: 'sent', deliveryId: 'a' },
        { openid: 'oAbcdefghijklmnopqrstuvwxyz', outcome: 'no_grant', deliveryId: 'b' },
      ] } }
      : base(d);
    const page = await open();
    change(page, '#template', 1);
    await waitFor(() => page.data['fields'].length === 2, 'fields');
    type(page, '#name', '申请结果');
    type(page, '#field-enum1', '已通过');
    type(page, '#field-name2', '张三');
    await tap(page, '#test-send');
    await waitFor(() => !!page.querySelector('#test-result'), 'result');
    const text = textOf(node(page, '#test-result'));
    expect(text).toBe('测试发送 2 条：管理员小王：已发送；oAbc…wxyz：没有剩余订阅');
    expect(text).not.toContain('no_grant');
  });

  it('a test send while sending is paused for the daily quota says when it resumes (QUOTA_PAUSED), in Chinese', async () => {
    const base = camp.handler;
    const until = Date.UTC(2026, 4, 1, 16, 0); // 2026-05-02 00:00 Beijing time
    wx.handlers['campaigns'] = (d) => d['action'] === 'testSend'
      ? { ok: false, error: { code: 'QUOTA_PAUSED', message: 'paused for quota until 2026-05-02 00:00 UTC+8', details: { until, errCode: 45009 } } }
      : base(d);
    const page = await open();
    change(page, '#template', 1);
    await waitFor(() => page.data['fields'].length === 2, 'fields');
    type(page, '#name', '申请结果');
    type(page, '#field-enum1', '已通过');
    type(page, '#field-name2', '张三');
    await tap(page, '#test-send');
    await waitFor(() => wx.showModal.mock.calls.some((c) => c[0].title === '测试发送失败'), 'alert');
    const shown = wx.showModal.mock.calls.find((c) => c[0].title === '测试发送失败')![0];
    expect(shown.content).toBe('配额已用完，2026-05-02 00:00 北京时间 恢复');
  });

  it('one field is called 活动名称 (the template keyword); the campaign\'s own name is labelled differently', async () => {
    const page = await open();
    change(page, '#template', 0);
    await waitFor(() => page.data['fields'].length === 4, 'fields');
    expect(textOf(page).split('活动名称').length - 1).toBe(1);
    expect(textOf(node(page, '#name-label'))).toContain('推送名称');
  });

  it('the three buttons keep their labels on one line (保存草/稿 wrapped)', () => {
    const css = fs.readFileSync(path.join(buildMiniprogram(), 'pages/admin/campaign-edit/campaign-edit.wxss'), 'utf8');
    const rule = /\.buttons button\s*\{([^}]*)\}/.exec(css)?.[1] ?? '';
    expect(rule).toMatch(/white-space:\s*nowrap/);
    expect(rule).toMatch(/flex:\s*1/);
  });
});

describe('pages/index — admin entry', () => {
  it('shows 管理后台 only to admins, as the server says (hello.me)', async () => {
    wx.handlers['hello'] = (d) => (d['action'] === 'me' ? { ok: true, data: { isAdmin: false } } : { ok: true, data: {} });
    const user = mount('pages/index/index');
    user.instance['onShow']();
    await waitFor(() => callsOf(wx, 'hello', 'me').length === 1, 'asked');
    await settle();
    expect(user.querySelector('#admin-entry')).toBeUndefined();
    expect(textOf(user)).not.toContain('管理后台');

    wx.handlers['hello'] = (d) => (d['action'] === 'me' ? { ok: true, data: { isAdmin: true } } : { ok: true, data: {} });
    const admin = mount('pages/index/index');
    admin.instance['onShow']();
    await waitFor(() => !!admin.querySelector('#admin-entry'), 'admin entry');

    delete wx.handlers['hello']; // not deployed: hidden, no error
    const offline = mount('pages/index/index');
    offline.instance['onShow']();
    await waitFor(() => callsOf(wx, 'hello', 'me').length === 3, 'asked again');
    await settle();
    expect(offline.querySelector('#admin-entry')).toBeUndefined();
  });
});

describe('callFunction failures in Chinese, from one table', () => {
  it('a function that is not deployed, a timeout and a domain error each say what happened', async () => {
    delete wx.handlers['campaigns'];
    const missing = mount('pages/admin/campaigns/campaigns');
    missing.instance['onShow']();
    await waitFor(() => !!missing.data['error'], 'error');
    expect(missing.data['error']).toBe('云函数未部署，请在开发者工具中上传并部署云函数');
    expect(textOf(missing)).not.toContain('网络异常');

    wx.handlers['campaigns'] = camp.handler;
    wx.failNext('campaigns', 1, 'down'); // request timeout
    const slow = mount('pages/admin/campaigns/campaigns');
    slow.instance['onShow']();
    await waitFor(() => !!slow.data['error'], 'error');
    expect(slow.data['error']).toBe('请求超时，请稍后重试');

    wx.handlers['campaigns'] = () => ({ ok: false, error: { code: 'CONFLICT', message: 'campaign c1 is completed: cannot pause' } });
    const conflict = mount('pages/admin/campaigns/campaigns');
    conflict.instance['onShow']();
    await waitFor(() => !!conflict.data['error'], 'error');
    expect(conflict.data['error']).toBe('当前状态不允许此操作，请刷新后重试');
  });
});

describe('pages/admin/campaign-detail — reads', () => {
  it('re-reads the charts only when the numbers move, and keeps polling after a failed read', async () => {
    camp.campaigns['p1'] = { _id: 'p1', name: 'x', templateId: 'TPL_EVENT_REMINDER', status: 'running', data: {} };
    camp.stats['p1'] = { targeted: 10, sent: 1, skipped: {}, failed: {}, unknown: 0, opened: 0, pending: 9, cancelled: 0 };
    const page = mount('pages/admin/campaign-detail/campaign-detail');
    page.instance['onLoad']({ id: 'p1' });
    page.instance['onShow']();
    await waitFor(() => callsOf(wx, 'campaigns', 'stats').length === 2, 'two reads', 5000);
    await settle();
    expect(callsOf(wx, 'campaigns', 'analytics')).toHaveLength(1); // nothing moved on the second read
    wx.failNext('campaigns', 1, 'down'); // the next read fails (a timeout)...
    await waitFor(() => !!page.data['error'], 'error shown', 6000);
    camp.stats['p1'] = { targeted: 10, sent: 5, skipped: {}, failed: {}, unknown: 0, opened: 0, pending: 5, cancelled: 0 };
    await waitFor(() => page.data['stats'].progressText === '5 / 10', '...and polling goes on', 20000);
    expect(page.data['error']).toBe('');
    await settle();
    expect(callsOf(wx, 'campaigns', 'analytics').length).toBeGreaterThanOrEqual(2);
    page.instance['onUnload']();
  }, 30000);
});

describe('pages/admin/campaign-edit — the campaign\'s zone', () => {
  it('an existing campaign in another zone is shown and scheduled in that zone, not in Beijing time', async () => {
    camp.campaigns['z1'] = { _id: 'z1', name: '柏林', templateId: 'TPL_APPLY_RESULT', data: { enum1: '已通过', name2: '张三' }, status: 'draft',
      audience: { kind: 'all' }, zone: 'Europe/Berlin', quietHours: { start: '22:00', end: '08:00' } };
    const page = mount('pages/admin/campaign-edit/campaign-edit');
    void page.instance['onLoad']({ id: 'z1' });
    await waitFor(() => page.data['id'] === 'z1' && page.data['fields'].length === 2, 'stored campaign');
    expect(textOf(page)).toContain('发送时间（Europe/Berlin）');
    expect(textOf(page)).not.toContain('北京时间');
    change(page, '#date', '2030-01-01');
    change(page, '#time', '08:30');
    await tap(page, '#schedule');
    await waitFor(() => callsOf(wx, 'campaigns', 'schedule').length === 1, 'schedule');
    expect(callsOf(wx, 'campaigns', 'schedule')[0]).toEqual({ action: 'schedule', id: 'z1', sendAt: '2030-01-01 08:30', zone: 'Europe/Berlin' });
  });
});
