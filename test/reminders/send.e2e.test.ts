// End to end (emulator): a personal reminder is sent by the dispatcher at its due time; ledger and WeChat agree.
import { Envelope, record } from '../grants/e2e-helpers';
import { useEmulator } from '../support/emulator';

const h = useEmulator({ maxWorkers: 2 });

it('the dispatcher sends a due reminder once: inbox card, delivery sent, ledger 0 = WeChat quota 0', async () => {
  await h.emu.call('setup', 'o-admin', { demo: true });
  h.emu.requestSubscribe('o-send', ['TPL_EVENT_REMINDER'], { TPL_EVENT_REMINDER: 'accept' });
  await record(h.emu, 'o-send', 'send-0000001', { TPL_EVENT_REMINDER: 'accept' });
  const created = await h.emu.call<Envelope<{ reminderId: string; dueAt: number }>>('reminders', 'o-send', { action: 'create', eventId: 'evt-demo-meditation' });
  if (!created.ok) throw new Error(created.error.message);
  await h.emu.advance(created.data.dueAt - h.emu.now() + 1000);
  await h.emu.trigger('dispatch');
  await h.emu.trigger('dispatch');
  const inbox = h.emu.inbox('o-send');
  expect(inbox).toHaveLength(1);
  expect(inbox[0]).toMatchObject({ templateId: 'TPL_EVENT_REMINDER', page: `pages/events/events?eventId=evt-demo-meditation&deliveryId=${created.data.reminderId}` });
  expect(inbox[0]?.rendered).toContain('活动名称:午间冥想十五分钟');
  expect(h.emu.db.find('deliveries', { _id: created.data.reminderId })[0]).toMatchObject({ status: 'sent' });
  expect(h.emu.db.find('grants', { openid: 'o-send' })[0]).toMatchObject({ remaining: 0 });
  expect(h.emu.quota('o-send', 'TPL_EVENT_REMINDER')).toBe(0);
});
