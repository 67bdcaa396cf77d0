// Mini program unit tests: the pure view helpers (Beijing time, 我的订阅 rows, events, campaign views and form).
import {
  createPayload, emptyForm, errorsByKey, fieldViews, formFromCampaign, localProblems, schedulePayload, tagsOf, updatePatch,
} from '../../miniprogram/lib/campaign-form';
import { emptyOptions, optionProblems, optionsPayload, parseAttributes, positiveInt, settingsRows } from '../../miniprogram/lib/campaign-options';
import { actionsFor, campaignRows, nextPollMs, rateAndEta, statsView } from '../../miniprogram/lib/campaign-view';
import { transportError } from '../../miniprogram/lib/api-errors';
import { eventRows, queryValue } from '../../miniprogram/lib/event-view';
import { grantRows, keepState, remainingText, settingsPayload } from '../../miniprogram/lib/grant-view';
import { formatSendAt, formatShanghai, parseShanghai } from '../../miniprogram/lib/time';
import type { GrantView, TemplateView } from '../../miniprogram/lib/types';

const T0 = Date.UTC(2026, 10, 20, 16, 30); // 2026-11-21 00:30 in Beijing

describe('time (Asia/Shanghai)', () => {
  it('formats across the UTC date line and parses back', () => {
    expect(formatShanghai(T0)).toBe('2026-11-21 00:30');
    expect(parseShanghai('2026-11-21', '00:30')).toBe(T0);
    expect(parseShanghai('2026-02-30', '09:00')).toBeNull();
    expect(parseShanghai('2026-1-1', '09:00')).toBeNull();
    expect(parseShanghai('2026-01-01', '24:00')).toBeNull();
  });
  it('send time: epoch, local string or none', () => {
    expect(formatSendAt(T0)).toBe('2026-11-21 00:30');
    expect(formatSendAt('2026-11-21 09:00')).toBe('2026-11-21 09:00');
    expect(formatSendAt(null)).toBe('未排期');
  });
});

describe('我的订阅 rows', () => {
  const g = (over: Partial<GrantView>): GrantView => ({
    templateId: 'T', title: '标题', kind: 'one-time', remaining: 0, lastResult: null, alwaysKeep: null, updatedAt: null, ...over,
  });
  it('remaining text for one-time and long-term', () => {
    expect(remainingText({ kind: 'one-time', remaining: 3 })).toBe('还可接收 3 条');
    expect(remainingText({ kind: 'one-time', remaining: 0 })).toContain('0 条');
    expect(remainingText({ kind: 'long-term', remaining: -1 })).toBe('长期有效');
  });
  it('local getSetting wins over the ledger copy; always-reject and main switch off send the user to settings', () => {
    const [a] = grantRows([g({ alwaysKeep: 'accept' })], { mainSwitch: true, itemSettings: { T: 'reject' } }, true);
    expect(a).toMatchObject({ needsSettings: true, canAsk: false, keepText: expect.stringContaining('总是拒绝') });
    const [b] = grantRows([g({ alwaysKeep: 'reject' })], null, true);
    expect(b!.needsSettings).toBe(true);
    const [c] = grantRows([g({ remaining: 2, lastResult: 'accept' })], { mainSwitch: true }, true);
    expect(c).toMatchObject({ canAsk: true, canRevoke: true, needsSettings: false, lastText: '已同意', keepText: expect.stringContaining('未勾选') });
    const [d] = grantRows([g({})], { mainSwitch: false }, false);
    expect(d).toMatchObject({ canAsk: false, needsSettings: true });
  });
  it('"always accept" explains it is not unlimited; accept* values count as accept', () => {
    expect(keepState('acceptWithForcePush')).toBe('accept');
    expect(keepState('weird')).toBeNull();
    const [a] = grantRows([g({})], { mainSwitch: true, itemSettings: { T: 'acceptWithAlert' } }, true);
    expect(a!.keepText).toContain('仍只增加 1 条');
  });
  it('syncSettings sends only the app templates', () => {
    expect(settingsPayload({ mainSwitch: false, itemSettings: { T: 'accept', SYS_MSG_TYPE_WHATS_NEW: 'reject', U: 7 } }, ['T', 'U']))
      .toEqual({ mainSwitch: false, itemSettings: { T: 'accept' } });
  });
});

describe('events', () => {
  const ev = { id: 'e', title: '读书会', place: '三楼', startAt: T0 + 3600_000, reminder: null };
  it('"提醒我" offered only while the reminder time is ahead and none is set', () => {
    expect(eventRows([ev], T0)[0]).toMatchObject({ canRemind: true, startText: '2026-11-21 01:30', reminderText: '' });
    expect(eventRows([ev], T0 + 51 * 60_000)[0]!.canRemind).toBe(false);
    const withR = { ...ev, reminder: { id: 'r', dueAt: T0 + 50 * 60_000, status: 'pending' as const } };
    expect(eventRows([withR], T0)[0]).toMatchObject({ canRemind: false, reminderId: 'r', reminderText: '已设置提醒：11-21 01:20' });
    const cancelled = { ...ev, reminder: { id: 'r', dueAt: 0, status: 'cancelled' as const } };
    expect(eventRows([cancelled], T0)[0]).toMatchObject({ canRemind: true, reminderId: '' });
  });
  it('query values are decoded once, tolerating a stray %', () => {
    expect(queryValue('reminder%3Aev-1%3Ao-dev')).toBe('reminder:ev-1:o-dev');
    expect(queryValue('100%')).toBe('100%');
    expect(queryValue(undefined)).toBe('');
  });
});

describe('campaign views', () => {
  it('list rows: progress percent and Beijing send time', () => {
    const [r] = campaignRows([{ id: 'c', name: 'n', templateId: 't', status: 'running', sendAt: T0, sendAtLocal: null, zone: 'Asia/Shanghai',
      progress: { targeted: 8, sent: 2, skipped: 1, failed: 1, unknown: 0, cancelled: 0, pending: 4 }, opened: 0, updatedAt: 0 }]);
    expect(r).toMatchObject({ percent: 50, statusText: '发送中', sendAtText: '2026-11-21 00:30（北京时间）' });
  });
  it('stats: totals, labelled reasons and errcodes, open rate', () => {
    const v = statsView({ targeted: 10, sent: 4, skipped: { no_grant: 2, odd: 1 }, failed: { '47003': 1 }, unknown: 1, opened: 1, pending: 1, cancelled: 0 });
    expect(v.percent).toBe(90);
    expect(v.skipped).toEqual([{ label: '没有剩余订阅', value: 2 }, { label: '其他原因（odd）', value: 1 }]);
    expect(v.failed).toEqual([{ label: '模板参数不合规（47003）', value: 1 }]);
    expect(v.openRate).toBe('25%');
    expect(statsView({ targeted: 0, sent: 0, skipped: {}, failed: {}, unknown: 0, opened: 0, pending: 0, cancelled: 0 }).percent).toBe(0);
  });
  it('actions per status (every status is checked against core in parity.test.ts)', () => {
    expect(actionsFor('running')).toEqual({ canPause: true, canResume: false, canCancel: true, canEdit: false });
    // A paused campaign may have sent already: the server refuses edits (core/campaigns/edit.ts EDITABLE).
    expect(actionsFor('paused')).toEqual({ canPause: false, canResume: true, canCancel: true, canEdit: false });
    // Nothing sent yet: still editable.
    expect(actionsFor('scheduled')).toEqual({ canPause: true, canResume: false, canCancel: true, canEdit: true });
    expect(actionsFor('completed')).toEqual({ canPause: false, canResume: false, canCancel: false, canEdit: false });
    expect(actionsFor('')).toEqual({ canPause: false, canResume: false, canCancel: false, canEdit: false });
  });
});

describe('campaign form', () => {
  const tpl: TemplateView = { templateId: 'TPL_APPLY_RESULT', title: '申请结果通知', kind: 'one-time', source: 'config', content: '',
    keywords: [{ key: 'enum1', label: '申请结果', type: 'enum', enumValues: ['已通过', '未通过'] }, { key: 'name2', label: '申请人', type: 'name' }] };
  const form = { ...emptyForm(), name: ' 结果 ', templateId: tpl.templateId, data: { enum1: '已通过', name2: ' 张三 ', extra9: 'x' }, page: '/pages/a/a?x=1' };
  it('fields carry hints; Chinese messages replace the server rule messages', () => {
    expect(fieldViews(tpl, form, {}).map((f) => f.hint)).toEqual(['可选：已通过 / 未通过', '10 个汉字或 20 个字母以内']);
    expect(errorsByKey([
      { key: 'enum1', rule: 'enum', value: 'x', message: 'enum: must be one of 已通过/未通过' },
      { key: 'name2', rule: 'charset', value: '1', message: 'name: ...' },
      { key: 'name2', rule: 'length', value: '1', message: 'second error for the same key is dropped' },
    ], tpl)).toEqual({ enum1: '“申请结果”只能填：已通过 / 未通过', name2: '“申请人”格式不符：10 个汉字或 20 个字母以内' });
  });
  it('payloads: trimmed, only template keys, page without the leading slash, update clears an emptied page', () => {
    expect(createPayload(form, tpl)).toEqual({ name: '结果', templateId: 'TPL_APPLY_RESULT', data: { enum1: '已通过', name2: '张三' }, page: 'pages/a/a?x=1', audience: { kind: 'all' } });
    expect(updatePatch({ ...form, page: '' }, tpl)['page']).toBeNull();
    expect(localProblems(form, tpl)).toEqual([]);
    expect(tagsOf('a，b  a,c')).toEqual(['a', 'b', 'c']);
  });
  it('schedule: a future Beijing wall-clock time', () => {
    expect(schedulePayload({ ...form, date: '2026-11-21', time: '09:00' }, T0)).toEqual({ ok: true, sendAt: '2026-11-21 09:00', zone: 'Asia/Shanghai' });
    expect(schedulePayload({ ...form, date: '2026-11-21', time: '00:30' }, T0)).toMatchObject({ ok: false });
    expect(schedulePayload({ ...form, date: '', time: '' }, T0)).toMatchObject({ ok: false, message: '请选择发送日期和时间' });
  });
  it('form from a stored campaign', () => {
    expect(formFromCampaign({ name: 'n', templateId: 't', data: { thing1: 'a' }, sendAtLocal: '2026-11-21 09:00', audience: { kind: 'segment', tags: ['vip', 'x'] } }))
      .toMatchObject({ date: '2026-11-21', time: '09:00', audienceKind: 'segment', tags: 'vip, x', page: '' });
    expect(formFromCampaign({ sendAt: T0 })).toMatchObject({ date: '2026-11-21', time: '00:30', audienceKind: 'all' });
  });
});

describe('campaign options', () => {
  it('attributes: typed values, quoted text, bad names refused', () => {
    expect(parseAttributes('city=上海，level=3; vip=true\ncode="007"')).toEqual({ ok: true, attributes: { city: '上海', level: 3, vip: true, code: '007' } });
    expect(parseAttributes('')).toEqual({ ok: true, attributes: {} });
    expect(parseAttributes('1city=x')).toMatchObject({ ok: false });
    expect(parseAttributes('city=')).toMatchObject({ ok: false });
  });
  it('positive integers only, within the server limits', () => {
    expect(['1', ' 24 ', '0', '-1', '1.5', 'x', '101'].map((t) => positiveInt(t, 100))).toEqual([1, 24, null, null, null, null, null]);
  });
  it('payload: switched-off options are omitted on create and cleared (null) on update', () => {
    const on = { ...emptyOptions(), quietEnabled: true, capEnabled: true, capMax: '2', miniprogramState: 'formal', lang: 'zh_TW' };
    expect(optionsPayload(on, false)).toEqual({ quietHours: { start: '22:00', end: '08:00' }, frequencyCap: { max: 2, perHours: 24 }, miniprogramState: 'formal', lang: 'zh_TW' });
    expect(optionsPayload(emptyOptions(), false)).toEqual({});
    expect(optionsPayload(emptyOptions(), true)).toEqual({ quietHours: null, frequencyCap: null });
    expect(optionProblems({ ...on, quietStart: '7:00' })).toEqual(['免打扰时段的时间格式应为 HH:mm，如 22:00']);
  });
  it('detail rows for a campaign without options', () => {
    expect(settingsRows({ audience: { kind: 'all' }, miniprogramState: 'developer' }).map((r) => r.value))
      .toEqual(['所有可触达的订阅用户', '未设置', '不限', '开发版', '默认']);
  });
});

describe('polling, rate and transport errors (pure)', () => {
  it('polls only while something moves, backing off while nothing changes', () => {
    expect([0, 1, 2, 3, 4, 10].map((u) => nextPollMs('running', null, T0, u))).toEqual([2000, 4000, 8000, 16000, 30000, 30000]);
    expect(nextPollMs('scheduled', T0 + 30 * 86_400_000, T0, 0)).toBeNull(); // a month ahead
    expect(nextPollMs('scheduled', T0 + 5 * 60_000, T0, 0)).toBe(5 * 60_000); // near: at the send time
    expect(nextPollMs('scheduled', T0 - 1000, T0, 0)).toBe(2000); // due: the dispatcher is about to start it
    for (const s of ['draft', 'paused', 'completed', 'cancelled', 'quarantined']) expect(nextPollMs(s, T0, T0, 0)).toBeNull();
  });

  it('rate and ETA from two reads', () => {
    expect(rateAndEta(null, { at: T0, done: 10, pending: 90 })).toMatchObject({ rateText: '计算中' });
    expect(rateAndEta({ at: T0, done: 10 }, { at: T0 + 2000, done: 30, pending: 70 })).toEqual({ rate: 10, rateText: '10 条/秒', etaText: '约 7 秒' });
    expect(rateAndEta({ at: T0, done: 10 }, { at: T0 + 2000, done: 10, pending: 70 })).toMatchObject({ etaText: '暂无进展' });
    expect(rateAndEta({ at: T0, done: 0 }, { at: T0 + 1000, done: 1, pending: 7200 }).etaText).toBe('约 2 小时 0 分');
  });

  it('maps callFunction failures: not deployed, timeout, network', () => {
    expect(transportError({ errCode: -501000, errMsg: 'cloud.callFunction:fail requestID , errCode -501000' }).code).toBe('FUNCTION_NOT_FOUND');
    expect(transportError({ errCode: -1, errMsg: 'cloud.callFunction:fail FUNCTION_NOT_FOUND' }).code).toBe('FUNCTION_NOT_FOUND');
    expect(transportError({ errCode: -501002, errMsg: 'x' }).code).toBe('TIMEOUT');
    expect(transportError({ errMsg: 'cloud.callFunction:fail request timeout' }).code).toBe('TIMEOUT');
    expect(transportError({ errMsg: 'cloud.callFunction:fail network offline' }).code).toBe('NETWORK');
    expect(transportError('boom').message).toBe('网络异常，请检查网络后重试');
  });
});
