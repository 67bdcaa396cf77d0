// End to end through the runner's real function-to-function call: a team function (the `whoami` fixture, op `call`)
// started by a mini program user calls `users` with cloud.callFunction — SOURCE `wx_client,scf`, no cloud-call token —
// and may identify any openid with tags; the same event sent straight from the mini program is refused.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFixtureFunctions, ROOT, startTestEmulator, type Emulator, type Envelope } from '../support/emulator';

let emu: Emulator;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tixing-teamfn-'));
  cpSync(join(buildFixtureFunctions(['whoami']), 'whoami'), join(dir, 'whoami'), { recursive: true });
  for (const f of ['index.js', 'config.json', 'package.json']) cpSync(join(ROOT, 'cloudfunctions', 'users', f), join(dir, 'users', f));
  // The team function waits for `users` (a cold start on a busy machine): give both the users timeout.
  emu = await startTestEmulator({ functionsDir: dir, functionsConfig: { whoami: { timeoutSec: 20 }, users: { timeoutSec: 20 } } });
  emu.db.createCollection('users');
}, 60_000);
afterAll(async () => {
  await emu?.stop();
});

it('a team function identifies another user with tags; the mini program cannot', async () => {
  const data = { action: 'identify', openid: 'o-dave', nickname: '大卫', tags: ['vip'] };
  const viaFunction = await emu.call<{ result: Envelope; me: { SOURCE: string; OPENID: string } }>('whoami', 'o-carol', { op: 'call', name: 'users', data });
  expect(viaFunction.me).toMatchObject({ SOURCE: 'wx_client', OPENID: 'o-carol' });
  expect(viaFunction.result).toMatchObject({ ok: true, data: { openid: 'o-dave', profile: { nickname: '大卫', tags: ['vip'] } } });
  const inv = emu.invocations().find((i) => i.fn === 'users');
  expect(inv).toMatchObject({ kind: 'scf' });
  expect(await emu.call('users', 'o-carol', { ...data, tags: ['vip', 'more'] })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  expect(emu.db.find('users', { _id: 'o-dave' })[0]).toMatchObject({ tags: ['vip'] });
});
