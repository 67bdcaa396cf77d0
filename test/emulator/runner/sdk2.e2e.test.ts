// Emulator runner: a function that ships wx-server-sdk 2.x in its own node_modules reaches the emulator. node-sdk
// 2.0.2–2.4.x (wx-server-sdk 2.2/2.3) read TCB_CONTEXT_CNFG only when TCB_CONTEXT_KEYS lists it.
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startTestEmulator, type Emulator } from '../../support/emulator';

const ROOT = resolve(__dirname, '..', '..', '..');
let dir: string;
let emu: Emulator;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tixing-sdk2-'));
  cpSync(join(ROOT, 'test', 'fixtures', 'legacy-sdk', 'fns'), dir, { recursive: true });
  mkdirSync(join(dir, 'legacy', 'node_modules'));
  symlinkSync(join(ROOT, 'node_modules', 'wx-server-sdk-2'), join(dir, 'legacy', 'node_modules', 'wx-server-sdk'), 'dir');
  emu = await startTestEmulator({ functionsDir: dir, functionsConfig: { legacy: { timeoutSec: 20 } } });
  emu.db.createCollection('legacy');
});
afterAll(async () => {
  await emu?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('wx-server-sdk 2.3 (node-sdk 2.3.3) reads and writes the emulator database and sees its caller', async () => {
  await emu.call('legacy', 'o-old', { action: 'db', n: 1 });
  const res = await emu.call('legacy', 'o-old', { action: 'db', n: 2 });
  expect(res).toEqual({ total: 1, openid: 'o-old', sdk: '2.3.0' });
  expect(emu.db.find('legacy', {}).map((d) => d.n)).toEqual([1, 2]);
});

it('wx-server-sdk 2.3 makes cloud calls: msgSecCheck passes and refuses', async () => {
  expect(await emu.call('legacy', 'o-old', { action: 'check', content: '你好' })).toEqual({ errCode: 0 });
  expect(await emu.call('legacy', 'o-old', { action: 'check', content: '敏感词' })).toEqual({ errCode: 87014 });
});

it('wx-server-sdk 2.3 uploads (a multipart POST), links, downloads and deletes a file', async () => {
  const res = await emu.call<{ fileID: string; url: string; content: string; deleted: number }>('legacy', 'o-old', { action: 'files' });
  expect(res).toMatchObject({ content: 'hello from 2.x', deleted: 0 });
  expect(res.url).toContain('/storage/file/legacy/hello.txt?');
  expect(emu.storage.list()).toEqual([]);
});
