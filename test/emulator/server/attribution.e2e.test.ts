// Emulator server: each /admin request the SDK sends from a function is attributed to its invocation (the `inv`
// query survives the SDK appending `env=…&seqId=…`), with the X-TCB-Source and token the SDK derives from the env.
import { createFakeDatabase } from './fakes';
import { useEmulator } from '../../support/emulator';

const fake = createFakeDatabase();
const h = useEmulator({ fixtures: ['whoami'], services: { db: async () => fake } });

beforeEach(() => {
  fake.reset();
  fake.requests.length = 0;
  fake.createCollection('probe');
});

it('a mini-program invocation: inv id, env, X-TCB-Source "wx_client,scf" (TCB_SOURCE read via TCB_CONTEXT_KEYS), a token', async () => {
  const r = await h.emu.callRaw('whoami', { op: 'db-add', n: 2 }, { openid: 'o-dev' });
  expect(r).toMatchObject({ ok: true, requests: 2 });
  expect(fake.requests).toEqual([
    expect.objectContaining({ action: 'database.insertDocument', invocationId: r.id, envName: 'tixing-local', source: 'wx_client,scf' }),
    expect.objectContaining({ action: 'database.insertDocument', invocationId: r.id }),
  ]);
  expect(fake.requests[0]?.wxCloudApiToken).toEqual(expect.any(String));
});

it('a callee’s requests carry its own invocation id, the chained source, and no token', async () => {
  const r = await h.emu.callRaw('whoami', { op: 'call', name: 'whoami', data: { op: 'db-add', n: 1 } }, { openid: 'o-dev' });
  expect(r.ok).toBe(true);
  const callee = h.emu.invocations().find((e) => e.parentId === r.id);
  expect(callee).toMatchObject({ fn: 'whoami', kind: 'scf', source: 'wx_client,scf', outcome: 'ok', requests: 1 });
  expect(fake.requests).toEqual([expect.objectContaining({ invocationId: callee?.id, source: 'wx_client,scf,scf', wxCloudApiToken: undefined })]);
});

it('a timer invocation sends the trigger token (TRIGGER_SRC=timer → WX_TRIGGER_API_TOKEN_V0)', async () => {
  const r = await h.emu.callRaw('whoami', { op: 'db-add', n: 1 }, { kind: 'timer' });
  expect(fake.requests).toEqual([expect.objectContaining({ invocationId: r.id, source: 'wx_trigger,scf' })]);
  expect(fake.requests[0]?.wxCloudApiToken).toMatch(/^local-timer-token-/);
});
