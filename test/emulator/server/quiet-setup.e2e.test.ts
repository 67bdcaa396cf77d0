// The log of the real functions, issue 11: `setup` on an existing database prints one line (no
// DATABASE_COLLECTION_ALREADY_EXIST noise), and the idle dispatch timer prints nothing.
import appConfig from '../../../config/tixing.json';
import { useEmulator } from '../../support/emulator';

const lines: string[] = [];
const h = useEmulator({ log: (line) => lines.push(line) });
const admin = appConfig.admins[0] ?? 'o-admin';

it('setup on an existing database prints one line', async () => {
  const first = await h.emu.call<{ ok: boolean; data: { created: string[] } }>('setup', admin, {});
  expect(first.data.created.length).toBeGreaterThan(0);
  lines.length = 0;
  const again = await h.emu.call<{ ok: boolean; data: { created: string[]; existing: string[] } }>('setup', admin, {});
  expect(again).toMatchObject({ ok: true, data: { created: [] } });
  await new Promise((r) => setTimeout(r, 100));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/setup .* ok$/);
  expect(lines.join('\n')).not.toMatch(/ALREADY_EXIST/);
});

it('an idle dispatch run prints nothing; a call answering ok:false is logged as such', async () => {
  await h.emu.trigger('dispatch'); // the first run ever creates the wake state (core/dispatch/wake.ts): it writes
  lines.length = 0;
  const run = await h.emu.trigger('dispatch');
  expect(run.invocation.result).toMatchObject({ idle: true });
  expect(run.invocation.ok).toBe(true);
  await new Promise((r) => setTimeout(r, 100));
  expect(lines).toEqual([]);
  await h.emu.callRaw('hello', { action: 'bogus', userInfo: { openId: 'o-x', appId: 'wx0000000000000000' } }, { openid: 'o-x' });
  expect(lines.find((l) => l.includes('hello'))).toMatch(/answered ok:false UNKNOWN_ACTION/);
});
