// Unit (core/grants): the subscriptions action table through dispatchAction, with in-memory ports and a fixed clock.
import { dispatchAction } from '../../core/actions';
import { grantId } from '../../core/grants/model';
import { subscriptionsTable } from '../../core/grants/table';
import { memoryGrantsDeps } from './memory';

const alice = { openid: 'o-alice', source: 'wx_client' };
const bob = { openid: 'o-bob', source: 'wx_client' };
const placement = { page: 'pages/events/events', button: 'remind' };

function setup(recordPerMinute?: number) {
  const m = memoryGrantsDeps({ recordPerMinute });
  const table = subscriptionsTable(m.deps.limits);
  const call = (caller: typeof alice, event: Record<string, unknown>) => dispatchAction(table, m.deps, event, caller);
  const record = (caller: typeof alice, requestId: string, result: Record<string, string>, extra: Record<string, unknown> = {}) =>
    call(caller, { action: 'record', requestId, placement, tmplIds: Object.keys(result).filter((k) => k !== 'errMsg'), result, ...extra });
  return { ...m, call, record };
}

const remainingOf = (res: unknown, id: string): number | undefined =>
  ((res as { data: { grants?: { templateId: string; remaining: number }[]; items?: { templateId: string; remaining: number }[] } }).data.grants ??
    (res as { data: { items: { templateId: string; remaining: number }[] } }).data.items)
    .find((g) => g.templateId === id)?.remaining;

describe('record', () => {
  it('counts an accept, and a retried report with the same request id once', async () => {
    const t = setup();
    const first = await t.record(alice, 'req-000001', { TPL_EVENT_REMINDER: 'accept', errMsg: 'requestSubscribeMessage:ok' });
    expect(first).toMatchObject({ ok: true, data: { counted: true } });
    expect(remainingOf(first, 'TPL_EVENT_REMINDER')).toBe(1);
    const again = await t.record(alice, 'req-000001', { TPL_EVENT_REMINDER: 'accept' });
    expect(again).toMatchObject({ ok: true, data: { counted: false } });
    expect(remainingOf(again, 'TPL_EVENT_REMINDER')).toBe(1);
    expect(t.consent.filter((c) => c.requestId === 'req-000001')).toHaveLength(1);
  });

  it('a tap from a placement marked transactional holds its unit for the placement\'s purpose; other placements do not', async () => {
    const t = setup();
    t.deps.transactional = [{ page: 'pages/order/order', button: 'pay', purpose: 'order-updates' }];
    const g = grantId(alice.openid, 'TPL_ORDER_STATUS');
    const pay = { page: 'pages/order/order', button: 'pay' };
    await t.call(alice, { action: 'record', requestId: 'req-t00001', placement: pay, tmplIds: ['TPL_ORDER_STATUS'], result: { TPL_ORDER_STATUS: 'accept' } });
    expect(t.store.docs.get(g)).toMatchObject({ remaining: 0, purposeHolds: ['p:order-updates'] });
    expect(t.consent.find((c) => c.requestId === 'req-t00001')).toMatchObject({ purpose: 'order-updates' });
    // The same template from a placement not marked: a free unit.
    await t.record(alice, 'req-t00002', { TPL_ORDER_STATUS: 'accept' });
    expect(t.store.docs.get(g)).toMatchObject({ remaining: 1, purposeHolds: ['p:order-updates'] });
    // A purpose named by the tap wins over the placement's.
    await t.call(alice, { action: 'record', requestId: 'req-t00003', placement: pay, tmplIds: ['TPL_ORDER_STATUS'], result: { TPL_ORDER_STATUS: 'accept' }, purpose: 'order:7' });
    expect(t.store.docs.get(g)).toMatchObject({ purposeHolds: ['p:order-updates', 'p:order:7'] });
  });

  it('holds an accepted one-time unit for the tap\'s purpose, once; the user still sees it, a zero takes it', async () => {
    const t = setup();
    const g = grantId('o-alice', 'TPL_ORDER_STATUS');
    const first = await t.record(alice, 'req-p00001', { TPL_ORDER_STATUS: 'accept' }, { purpose: 'order:42' });
    expect(remainingOf(first, 'TPL_ORDER_STATUS')).toBe(1);
    expect(t.store.docs.get(g)).toMatchObject({ remaining: 0, purposeHolds: ['p:order:42'] });
    // A second tap for the same purpose adds a free unit; the purpose keeps one.
    await t.record(alice, 'req-p00002', { TPL_ORDER_STATUS: 'accept' }, { purpose: 'order:42' });
    expect(t.store.docs.get(g)).toMatchObject({ remaining: 1, purposeHolds: ['p:order:42'] });
    expect(t.consent.find((c) => c.requestId === 'req-p00002')).toMatchObject({ purpose: 'order:42' });
    expect(await t.record(alice, 'req-p00003', { TPL_ORDER_STATUS: 'accept' }, { purpose: { $gt: '' } })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    await t.call(alice, { action: 'revoke', templateId: 'TPL_ORDER_STATUS' });
    expect(t.store.docs.get(g)).toMatchObject({ remaining: 0, purposeHolds: [] });
  });

  it('treats accept* statuses as consent and logs reject/ban/filter without counting', async () => {
    const t = setup();
    const res = await t.record(alice, 'req-000002', { TPL_EVENT_REMINDER: 'acceptWithAlert', TPL_ORDER_STATUS: 'reject', TPL_NEW_ARRIVAL: 'ban' });
    expect(remainingOf(res, 'TPL_EVENT_REMINDER')).toBe(1);
    expect(remainingOf(res, 'TPL_ORDER_STATUS')).toBe(0);
    expect(t.consent.map((c) => [c.templateId, c.result, c.ledger, c.status]).sort()).toEqual([
      ['TPL_EVENT_REMINDER', 'accept', 'counted', 'acceptWithAlert'],
      ['TPL_NEW_ARRIVAL', 'ban', 'none', 'ban'],
      ['TPL_ORDER_STATUS', 'reject', 'none', 'reject'],
    ]);
    expect(t.consent[0]).toMatchObject({ openid: 'o-alice', placement, source: 'client', at: t.clock.now() });
  });

  it('caps increments to the ids asked in that call', async () => {
    const t = setup();
    await t.call(alice, { action: 'record', requestId: 'req-000003', placement, tmplIds: ['TPL_EVENT_REMINDER'], result: { TPL_EVENT_REMINDER: 'accept', TPL_ORDER_STATUS: 'accept' } });
    expect(t.store.docs.get(grantId('o-alice', 'TPL_ORDER_STATUS'))).toBeUndefined();
    expect(t.store.docs.get(grantId('o-alice', 'TPL_EVENT_REMINDER'))?.remaining).toBe(1);
  });

  it('logs a failed request (error) per template without counting', async () => {
    const t = setup();
    const res = await t.call(alice, { action: 'record', requestId: 'req-000004', placement, tmplIds: ['TPL_EVENT_REMINDER'], error: { errCode: 20004, errMsg: 'main switch off' } });
    expect(res.ok).toBe(true);
    expect(t.consent).toEqual([expect.objectContaining({ result: 'error', errCode: 20004, ledger: 'none' })]);
    expect(t.store.docs.size).toBe(0);
  });

  it('rate-limits per openid per minute, atomically per window', async () => {
    const t = setup(2);
    expect((await t.record(alice, 'req-100001', { TPL_EVENT_REMINDER: 'accept' })).ok).toBe(true);
    expect((await t.record(alice, 'req-100002', { TPL_EVENT_REMINDER: 'accept' })).ok).toBe(true);
    expect(await t.record(alice, 'req-100003', { TPL_EVENT_REMINDER: 'accept' })).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect((await t.record(bob, 'req-100004', { TPL_EVENT_REMINDER: 'accept' })).ok).toBe(true);
    t.clock.t += 60_000;
    expect((await t.record(alice, 'req-100005', { TPL_EVENT_REMINDER: 'accept' })).ok).toBe(true);
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ['unknown template', { tmplIds: ['TPL_NOPE'], result: { TPL_NOPE: 'accept' } }, 'UNKNOWN_TEMPLATE'],
    ['$-operator key', { tmplIds: ['TPL_EVENT_REMINDER'], result: { $inc: 'accept' } }, 'INVALID_INPUT'],
    ['nested $ key', { tmplIds: ['TPL_EVENT_REMINDER'], placement: { page: 'p', button: 'b', $where: '1' } }, 'INVALID_INPUT'],
    ['oversize string', { tmplIds: ['TPL_EVENT_REMINDER'], placement: { page: 'p'.repeat(65), button: 'b' } }, 'INVALID_INPUT'],
    ['wrong type', { tmplIds: 'TPL_EVENT_REMINDER' }, 'INVALID_INPUT'],
    ['too many ids', { tmplIds: ['TPL_EVENT_REMINDER', 'TPL_ORDER_STATUS', 'TPL_NEW_ARRIVAL', 'TPL_APPLY_RESULT'] }, 'INVALID_INPUT'],
    ['short request id', { requestId: 'x', tmplIds: ['TPL_EVENT_REMINDER'] }, 'INVALID_INPUT'],
    ['unknown field', { tmplIds: ['TPL_EVENT_REMINDER'], openid: 'o-bob' }, 'UNKNOWN_FIELD'],
    ['unknown status', { tmplIds: ['TPL_EVENT_REMINDER'], result: { TPL_EVENT_REMINDER: 'bogus' } }, 'INVALID_INPUT'],
    ['unknown status beside a known one', { tmplIds: ['TPL_EVENT_REMINDER', 'TPL_ORDER_STATUS'], result: { TPL_EVENT_REMINDER: 'accept', TPL_ORDER_STATUS: 'yes' } }, 'INVALID_INPUT'],
    ['missing action', { action: undefined }, 'MISSING_ACTION'],
    ['nested too deep', { placement: JSON.parse('{"page":"p","button":"b","x":' + '['.repeat(40) + ']'.repeat(40) + '}') }, 'TOO_DEEP'],
    ['mixed one-time and long-term', { tmplIds: ['TPL_EVENT_REMINDER', 'TPL_SERVICE_NOTICE'], result: { TPL_EVENT_REMINDER: 'accept', TPL_SERVICE_NOTICE: 'accept' } }, 'INVALID_INPUT'],
    ['unknown action', { action: 'grantMe' }, 'UNKNOWN_ACTION'],
  ];
  it.each(bad)('refuses %s with a clear code and writes nothing', async (_name, patch, code) => {
    const t = setup();
    const res = await t.call(alice, { action: 'record', requestId: 'req-200001', placement, result: { TPL_EVENT_REMINDER: 'accept' }, ...patch });
    expect(res).toMatchObject({ ok: false, error: { code } });
    expect(t.writes()).toBe(0);
  });

  it('refuses a caller without an openid', async () => {
    const t = setup();
    expect(await t.call({ source: 'wx_trigger' } as typeof alice, { action: 'list' })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });
});

describe('list, syncSettings, revoke, deleteMyData', () => {
  it('lists every registry template with my state; long-term active shows -1', async () => {
    const t = setup();
    await t.record(alice, 'req-300001', { TPL_SERVICE_NOTICE: 'accept' });
    await t.record(alice, 'req-300002', { TPL_EVENT_REMINDER: 'accept' });
    const res = await t.call(alice, { action: 'list' });
    expect(res.ok && (res.data as { items: unknown[] }).items).toHaveLength(5);
    expect(remainingOf(res, 'TPL_SERVICE_NOTICE')).toBe(-1);
    expect(remainingOf(res, 'TPL_EVENT_REMINDER')).toBe(1);
    expect(remainingOf(res, 'TPL_APPLY_RESULT')).toBe(0);
    expect(res).toMatchObject({ data: { mainSwitch: null } });
  });

  it('syncSettings keeps main switch and registry "always keep" states', async () => {
    const t = setup();
    const res = await t.call(alice, { action: 'syncSettings', mainSwitch: true, itemSettings: { TPL_EVENT_REMINDER: 'accept', SYS_MSG_TYPE_INTERACTIVE: 'accept', TPL_ORDER_STATUS: 'reject' } });
    expect(res).toEqual({ ok: true, data: { updated: 2 } });
    const list = await t.call(alice, { action: 'list' });
    const items = (list as { data: { items: { templateId: string; alwaysKeep: string | null }[]; mainSwitch: boolean } }).data;
    expect(items.mainSwitch).toBe(true);
    expect(items.items.find((i) => i.templateId === 'TPL_EVENT_REMINDER')?.alwaysKeep).toBe('accept');
    expect(items.items.find((i) => i.templateId === 'TPL_ORDER_STATUS')?.alwaysKeep).toBe('reject');
    expect(items.items.find((i) => i.templateId === 'TPL_NEW_ARRIVAL')?.alwaysKeep).toBeNull();
  });

  it('revoke zeroes and logs', async () => {
    const t = setup();
    await t.record(alice, 'req-400001', { TPL_EVENT_REMINDER: 'accept' });
    expect(await t.call(alice, { action: 'revoke', templateId: 'TPL_EVENT_REMINDER' })).toEqual({ ok: true, data: { templateId: 'TPL_EVENT_REMINDER', remaining: 0 } });
    expect(t.store.docs.get(grantId('o-alice', 'TPL_EVENT_REMINDER'))?.remaining).toBe(0);
    expect(t.consent.at(-1)).toMatchObject({ result: 'revoke', source: 'client' });
    expect(await t.call(alice, { action: 'revoke', templateId: 'TPL_NOPE' })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_TEMPLATE' } });
  });

  it('deleteMyData needs confirm: true and removes only the caller\'s documents', async () => {
    const t = setup();
    await t.record(alice, 'req-500001', { TPL_EVENT_REMINDER: 'accept' });
    await t.record(bob, 'req-500002', { TPL_EVENT_REMINDER: 'accept' });
    await t.call(alice, { action: 'syncSettings', mainSwitch: true, itemSettings: {} });
    expect(await t.call(alice, { action: 'deleteMyData' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const res = await t.call(alice, { action: 'deleteMyData', confirm: true });
    expect(res).toMatchObject({ ok: true, data: { deleted: { grants: 1, consent_log: 1, request_log: 1, users: 1 } } });
    expect([...t.store.docs.values()].map((d) => d.openid)).toEqual(['o-bob']);
    expect(t.consent.map((c) => c.openid)).toEqual(['o-bob']);
  });
});
