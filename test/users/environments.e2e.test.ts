// End to end: one build, two environments. The same bundles run on the emulator as env `tixing-local` and as env
// `tixing-prod` (`npm start -- --env tixing-prod`); each picks its own admins, test whitelist and miniprogramState
// from config/tixing.json `environments` at run time (getWXContext().ENV), without editing source or rebuilding.
import { startTestEmulator, useEmulator, type Emulator, type Envelope } from '../support/emulator';
import { createCollections, seedAudience } from '../dispatch/support';

const local = useEmulator();
let prod: Emulator;
beforeAll(async () => {
  prod = await startTestEmulator({ envId: 'tixing-prod', noBuild: true });
}, 60_000);
afterAll(async () => {
  await prod?.stop();
});

const DATA = { thing1: '周末读书会', time2: '2026-05-02 09:00', thing3: '图书馆', thing4: '请准时到场' };
const create = (emu: Emulator, admin: string) =>
  emu.call<Envelope>('campaigns', admin, { action: 'create', name: '环境测试', templateId: 'TPL_EVENT_REMINDER', data: DATA, audience: { kind: 'all' } });

it('setup reports which configuration each environment runs with', async () => {
  expect(await local.emu.call('setup', 'o-admin', {})).toMatchObject({ ok: true, data: { environment: { envId: 'tixing-local', matched: true, miniprogramState: 'developer', admins: 2 } } });
  expect(await prod.call('setup', 'o-admin', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  expect(await prod.call('setup', 'o-prod-admin', {})).toMatchObject({ ok: true, data: { environment: { envId: 'tixing-prod', matched: true, miniprogramState: 'formal', admins: 1 } } });
});

it('admins, whitelist and miniprogramState differ per environment; the send uses the environment\'s state', async () => {
  createCollections(local.emu);
  createCollections(prod);
  // Admins: o-admin on the test environment only, o-prod-admin on production only.
  expect(await create(prod, 'o-admin')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  expect(await create(local.emu, 'o-prod-admin')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  const l = await create(local.emu, 'o-admin');
  const p = await create(prod, 'o-prod-admin');
  const lid = (l as { ok: true; data: { id: string } }).data.id;
  const pid = (p as { ok: true; data: { id: string } }).data.id;
  expect(local.emu.db.find('campaigns', { _id: lid })[0]).toMatchObject({ miniprogramState: 'developer' });
  expect(prod.db.find('campaigns', { _id: pid })[0]).toMatchObject({ miniprogramState: 'formal' });
  // Whitelist: production test sends reach o-prod-admin only.
  expect(await prod.call('campaigns', 'o-prod-admin', { action: 'testSend', id: pid, openids: ['o-admin'] })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  seedAudience(prod, 1, { from: 900 });
  prod.requestSubscribe('o-prod-admin', ['TPL_EVENT_REMINDER'], { TPL_EVENT_REMINDER: 'accept' });
  prod.db.insert('grants', [{ _id: 'g:o-prod-admin:TPL_EVENT_REMINDER', openid: 'o-prod-admin', templateId: 'TPL_EVENT_REMINDER', kind: 'one-time', remaining: 1, granted: 1, active: false, lastResult: 'accept', holds: [], createdAt: prod.now(), updatedAt: prod.now() }]);
  const sent = await prod.call<Envelope>('campaigns', 'o-prod-admin', { action: 'testSend', id: pid });
  expect(sent).toMatchObject({ ok: true });
  expect(prod.inbox('o-prod-admin')).toEqual([expect.objectContaining({ miniprogramState: 'formal' })]);
});

it('a wake-up of dispatch names the environment it runs in: the emulator running as tixing-prod accepts it', async () => {
  createCollections(prod);
  await prod.trigger('dispatch'); // creates the wake state
  const created = await create(prod, 'o-prod-admin');
  expect(created.ok).toBe(true);
  const id = (created as unknown as { data: { id: string } }).data.id;
  const before = prod.timers.delayed().length;
  const when = new Date(prod.now() + 5 * 60_000 + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
  expect(await prod.call('campaigns', 'o-prod-admin', { action: 'schedule', id, sendAt: when, zone: 'Asia/Shanghai' })).toMatchObject({ ok: true });
  // The campaigns function armed a delayed dispatch run for the send time, in this environment.
  expect(prod.timers.delayed().length).toBeGreaterThan(before);
});
