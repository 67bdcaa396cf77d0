// End to end (emulator + real wx-server-sdk): a notify message goes out within 10 s of its time although dispatch's
// timer only beats every 10 minutes. notify itself has no cloud-call token (a function-to-function call), so the
// typed client in the team's function arms `cloudbase.addDelayedFunctionTask` on dispatch (client/notify.ts); without
// that permission the heartbeat still sends it, later. Issue 13's "a notify message within 10 s of its time".
import type { Delivery } from '../../core/delivery';
import { seedGrant } from '../sending/e2e-support';
import { createCollections } from '../dispatch/support';
import { useEmulator } from '../support/emulator';
import { data, FUNCTIONS_CONFIG, notifyFunctionsDir, ORDER_DATA, ORDER_TPL, team } from './support';

let dir = '';
beforeAll(async () => {
  dir = await notifyFunctionsDir();
}, 300_000);
const h = useEmulator({ get functionsDir() { return dir; }, functionsConfig: FUNCTIONS_CONFIG, maxWorkers: 2 } as never);
const HOUR = 3600_000;

beforeEach(async () => {
  await h.emu.reset();
  createCollections(h.emu);
  await h.emu.trigger('dispatch'); // the first run creates the wake state
  await h.emu.advance(2 * HOUR); // idle hours: heartbeats only
});

const deliveryOf = (key: string) => h.emu.db.find('deliveries', { sourceType: 'notify', sourceId: key })[0] as unknown as Delivery;

it.each([
  ['now', 0],
  ['in 5 minutes', 5 * 60_000],
  ['in 3 hours (the heartbeat arms it)', 3 * HOUR],
])('a notify message due %s is sent within 10 s of its time, by a delayed task', async (_label, inMs) => {
  seedGrant(h.emu, 'o-ann', ORDER_TPL, 1);
  const sendAt = h.emu.now() + inMs;
  const answer = data(await team<{ dueAt: number }>(h.emu, { op: 'send', input: { key: `wake-${inMs}`, to: 'o-ann', templateId: ORDER_TPL, data: ORDER_DATA, ...(inMs ? { sendAt } : {}) } }));
  await h.emu.advance(Math.max(0, answer.dueAt - h.emu.now()) + 60_000);
  const d = deliveryOf(`wake-${inMs}`);
  expect(d.status).toBe('sent');
  expect(h.emu.inbox('o-ann')).toHaveLength(1);
  expect(d.sentAt! - answer.dueAt).toBeGreaterThanOrEqual(0);
  expect(d.sentAt! - answer.dueAt).toBeLessThanOrEqual(10_000);
  const sender = h.emu.invocations().find((e) => e.fn === 'dispatch' && e.startedAt >= answer.dueAt && !e.idle);
  expect(sender?.caller).toBe('timer:delayedFunctionTask');
}, 60_000);
