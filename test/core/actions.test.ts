// Unit: core/actions.ts dispatchAction — the one gate every client event passes: validated before it is read,
// oversize and deep events refused cheaply, no answer echoing input at length, typos named.
import { z } from 'zod';
import { action, type ActionTable, type Caller, dispatchAction } from '../../core/actions';

const alice: Caller = { openid: 'o-alice', source: 'wx_client' };
let runs = 0;
const table: ActionTable<null> = {
  send: action({ schema: z.object({ data: z.record(z.string(), z.string()).optional(), note: z.string().max(20).optional() }).strict(), run: async () => ({ ran: ++runs }) }),
  ping: action({ schema: z.object({}).strict(), run: async () => 'pong' }),
};
const call = (event: unknown, defaultAction?: string) => dispatchAction(table, null, event, alice, defaultAction ? { defaultAction } : {});
const size = (v: unknown) => JSON.stringify(v).length;

beforeEach(() => {
  runs = 0;
});

describe('dispatchAction', () => {
  it('refuses a non-object event before reading it, even with a default action', async () => {
    for (const event of ['abc', ['x'], null, 42, undefined]) {
      expect(await call(event, 'ping')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect(await call({}, 'ping')).toEqual({ ok: true, data: 'pong' });
    expect(runs).toBe(0);
  });

  it('answers MISSING_ACTION listing the actions, not "unknown action undefined"', async () => {
    const res = await call({ data: {} });
    expect(res).toMatchObject({ ok: false, error: { code: 'MISSING_ACTION' } });
    expect(JSON.stringify(res)).not.toContain('undefined');
    expect(JSON.stringify(res)).toContain('send, ping');
  });

  it('never echoes a long action name', async () => {
    const res = await call({ action: 'x'.repeat(1_000_000) });
    expect(res).toMatchObject({ ok: false, error: { code: 'UNKNOWN_ACTION' } });
    expect(size(res)).toBeLessThan(300);
    expect(await call({ action: { $ne: 1 } })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_ACTION' } });
    expect(await call({ action: '__proto__' })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_ACTION' } });
  });

  it('refuses 200k unknown keys early, small and fast', async () => {
    const built: Record<string, unknown> = { action: 'send' };
    for (let i = 0; i < 200_000; i++) built[`k${i}`] = i;
    const event: unknown = JSON.parse(JSON.stringify(built)); // as the runtime hands it over
    const t0 = Date.now();
    const res = await call(event);
    // Measured on the 2-core box: ~0.45 s now (one key walk), ~3.9 s before (zod listed every key into a 2.5 MB answer).
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(res).toMatchObject({ ok: false, error: { code: 'TOO_LARGE' } });
    expect(size(res)).toBeLessThan(300);
  });

  it('names unknown top-level fields (a typo such as date for data), capped', async () => {
    const res = await call({ action: 'send', date: { thing1: 'x' } });
    expect(res).toEqual({ ok: false, error: { code: 'UNKNOWN_FIELD', message: 'send does not take "date"', details: { fields: ['date'], count: 1 } } });
    const many: Record<string, unknown> = { action: 'send' };
    for (let i = 0; i < 500; i++) many[`field${i}`.padEnd(100, 'x')] = 1;
    const capped = await call(many);
    expect(capped).toMatchObject({ ok: false, error: { code: 'UNKNOWN_FIELD', details: { count: 500 } } });
    expect(size(capped)).toBeLessThan(1024);
    expect(runs).toBe(0);
  });

  it('reports nesting deeper than 32 as TOO_DEEP, not as a $-key; $-keys stay INVALID_INPUT', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 40; i++) deep = { a: deep };
    expect(await call({ action: 'send', data: deep })).toMatchObject({ ok: false, error: { code: 'TOO_DEEP' } });
    expect(await call({ action: 'send', data: { $gt: '' } })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: 'keys starting with "$" are not allowed' } });
    let ok: unknown = 'x';
    for (let i = 0; i < 20; i++) ok = [ok];
    expect(await call({ action: 'send', data: ok })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('caps validation issues and their texts', async () => {
    const data: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) data[`k${i}`] = i;
    const res = await call({ action: 'send', data, note: 'n'.repeat(5000) });
    expect(res).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const details = (res as { error: { details: unknown[] } }).error.details;
    expect(details.length).toBeLessThanOrEqual(11);
    expect(size(res)).toBeLessThan(4096);
  });

  it('ignores the platform userInfo field and runs valid events', async () => {
    expect(await call({ action: 'send', data: { thing1: 'a' }, userInfo: { appId: 'wx1', openId: 'o-alice' } })).toEqual({ ok: true, data: { ran: 1 } });
  });
});

describe('every action schema of every function', () => {
  it('is strict at the top level: an unknown field (a typo such as date for data) is refused and named', async () => {
    const { campaignActions, trackActions } = await import('../../core/campaigns/actions');
    const { remindersTable } = await import('../../core/reminders/table');
    const { subscriptionsTable } = await import('../../core/grants/table');
    const { table: templatesTable } = await import('../../cloudfunctions/templates/src/actions');
    const tables: Record<string, ActionTable<never>> = {
      campaigns: campaignActions,
      track: trackActions,
      reminders: remindersTable,
      subscriptions: subscriptionsTable({ recordPerMinute: 30, maxTemplatesPerRequest: 3 }),
      templates: templatesTable,
    };
    const admin: Caller = { openid: 'o-admin', source: 'wx_client' };
    let checked = 0;
    for (const [fn, t] of Object.entries(tables)) {
      for (const name of Object.keys(t)) {
        const res = await dispatchAction(t, null as never, { action: name, date: { thing1: 'x' } }, admin, { isAdmin: async () => true });
        expect({ fn, name, res }).toMatchObject({ fn, name, res: { ok: false, error: { code: 'UNKNOWN_FIELD', details: { fields: ['date'] } } } });
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(25);
  });
});
