// End to end (emulator + real wx-server-sdk): `track.open` counts an open once, only for the delivery's own user.
import { TEST_START, useEmulator } from '../support/emulator';

const h = useEmulator();

type Env = { ok: boolean; data?: any; error?: { code: string } };
const ID = 'campaign:c-track:o-alice';

beforeAll(async () => {
  expect(await h.emu.call('setup', 'o-admin', {})).toMatchObject({ ok: true });
  h.emu.db.insert('campaigns', [{ _id: 'c-track', name: 't', status: 'running', counters: { targeted: 1, sent: 1, skipped: 0, failed: 0, unknown: 0, opened: 0 } }]);
  h.emu.db.insert('deliveries', [
    { _id: ID, sourceType: 'campaign', sourceId: 'c-track', openid: 'o-alice', templateId: 'TPL_EVENT_REMINDER', data: {}, status: 'sent', dueAt: TEST_START, attempts: 1, nextAttemptAt: TEST_START, createdAt: TEST_START, updatedAt: TEST_START },
  ]);
});

describe('track function (emulator)', () => {
  it('refuses another user, unknown ids and malformed input without touching the delivery', async () => {
    // Another user's delivery and a missing one get the same answer, so the answer reveals nothing about others.
    const others = await h.emu.call<Env>('track', 'o-bob', { action: 'open', deliveryId: ID });
    const missing = await h.emu.call<Env>('track', 'o-bob', { action: 'open', deliveryId: 'campaign:c-track:o-nobody' });
    expect(others).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(others).toEqual(missing);
    expect(await h.emu.call<Env>('track', 'o-alice', { action: 'open', deliveryId: { $exists: true } })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(h.emu.db.find('deliveries', { _id: ID })[0]!.openedAt).toBeUndefined();
  });

  it('counts the first open once, even when reports race', async () => {
    const reports = await Promise.all([1, 2, 3].map(() => h.emu.call<Env>('track', 'o-alice', { action: 'open', deliveryId: ID })));
    expect(reports.filter((r) => r.ok && r.data.counted === true)).toHaveLength(1);
    expect(reports.filter((r) => r.ok && r.data.counted === false)).toHaveLength(2);
    expect(await h.emu.call<Env>('track', 'o-alice', { action: 'open', deliveryId: ID })).toEqual({ ok: true, data: { counted: false } });
    expect(h.emu.db.find('deliveries', { _id: ID })[0]!.openedAt).toEqual(expect.any(Number));
    expect(h.emu.db.find('campaigns', { _id: 'c-track' })[0]).toMatchObject({ counters: { opened: 1, sent: 1 } });
    const stats = await h.emu.call<Env>('campaigns', 'o-admin', { action: 'stats', id: 'c-track' });
    expect(stats).toMatchObject({ ok: true, data: { opened: 1, sent: 1 } });
  });
});
