// Emulator storage: cloud.uploadFile / getTempFileURL / downloadFile / deleteFile through the real wx-server-sdk,
// URLs the emulator serves with an expiry on its clock, and files kept in the data directory with --data.
import cloud from 'wx-server-sdk';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestEmulator, useEmulator, withSdkEnv, type Emulator } from '../../support/emulator';

const h = useEmulator({ fixtures: ['whoami'] });

/** Runs one SDK call with process.env pointed at `emu` (the SDK's storage typings allow a callback form: loosely typed). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function sdk(emu: Emulator, fn: () => unknown): Promise<any> {
  return withSdkEnv(emu, async () => {
    cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });
    return fn();
  });
}

async function rejectionOf(p: Promise<unknown>): Promise<{ code?: string; errCode?: number; errMsg?: string; message?: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code?: string; errCode?: number; errMsg?: string };
  }
  throw new Error('expected a rejection');
}

beforeEach(() => h.emu.reset());

it('uploadFile stores the bytes and answers a cloud:// fileID', async () => {
  const res = await sdk(h.emu, () => cloud.uploadFile({ cloudPath: 'avatars/o-alice.png', fileContent: Buffer.from('PNG bytes') }));
  expect(res.fileID).toMatch(/^cloud:\/\/tixing-local\.[^/]+\/avatars\/o-alice\.png$/);
  expect(h.emu.storage.read(res.fileID)?.toString()).toBe('PNG bytes');
  expect(h.emu.storage.list()).toEqual([expect.objectContaining({ cloudPath: 'avatars/o-alice.png', size: 9, contentType: 'image/png' })]);
});

it('downloadFile answers the stored bytes', async () => {
  const content = Buffer.from('你好，世界', 'utf8');
  const { fileID } = await sdk(h.emu, () => cloud.uploadFile({ cloudPath: '文档/hello.txt', fileContent: content }));
  const res = await sdk(h.emu, () => cloud.downloadFile({ fileID }));
  expect(Buffer.from(res.fileContent as Buffer).toString('utf8')).toBe('你好，世界');
});

it('getTempFileURL answers a URL the emulator serves, until it expires on the emulator clock', async () => {
  const { fileID } = await sdk(h.emu, () => cloud.uploadFile({ cloudPath: 'docs/a.json', fileContent: Buffer.from('{"a":1}') }));
  const res = await sdk(h.emu, () => cloud.getTempFileURL({ fileList: [{ fileID, maxAge: 60 }] }));
  const item = res.fileList[0] as { tempFileURL: string; status: number };
  expect(item.status).toBe(0);
  expect(item.tempFileURL.startsWith(`${h.emu.url}/storage/file/docs/a.json?`)).toBe(true);
  const ok = await fetch(item.tempFileURL);
  expect(ok.status).toBe(200);
  expect(ok.headers.get('content-type')).toBe('application/json');
  expect(await ok.text()).toBe('{"a":1}');
  h.emu.clock.advance(61_000);
  expect((await fetch(item.tempFileURL)).status).toBe(403);
});

it('a tampered temporary URL is refused', async () => {
  const { fileID } = await sdk(h.emu, () => cloud.uploadFile({ cloudPath: 'secret/a.txt', fileContent: Buffer.from('s') }));
  const res = await sdk(h.emu, () => cloud.getTempFileURL({ fileList: [fileID] }));
  const url = (res.fileList[0] as { tempFileURL: string }).tempFileURL.replace('secret/a.txt', 'secret/b.txt');
  expect((await fetch(url)).status).toBe(403);
});

it('getTempFileURL of a missing file answers a per-file error status', async () => {
  const fileID = h.emu.storage.fileId('nowhere/x.txt');
  const res = await sdk(h.emu, () => cloud.getTempFileURL({ fileList: [fileID] }));
  expect(res.fileList[0]).toMatchObject({ fileID, status: -503003, tempFileURL: '' });
});

it('deleteFile removes files and reports each one', async () => {
  const { fileID } = await sdk(h.emu, () => cloud.uploadFile({ cloudPath: 'tmp/x.bin', fileContent: Buffer.from([1, 2, 3]) }));
  const missing = h.emu.storage.fileId('tmp/none.bin');
  const res = await sdk(h.emu, () => cloud.deleteFile({ fileList: [fileID, missing] }));
  expect(res.fileList).toEqual([
    { fileID, status: 0, errMsg: 'ok' },
    expect.objectContaining({ fileID: missing, status: -503003 }),
  ]);
  expect(h.emu.storage.list()).toEqual([]);
  const e = await rejectionOf(sdk(h.emu, () => cloud.downloadFile({ fileID })));
  expect(JSON.stringify(e)).toMatch(/STORAGE_FILE_NONEXIST|503003/);
});

it('a cloud path starting with "/" is refused', async () => {
  const e = await rejectionOf(sdk(h.emu, () => cloud.uploadFile({ cloudPath: '/abs.txt', fileContent: Buffer.from('x') })));
  expect(e).toMatchObject({ code: 'INVALID_PARAM' });
  expect(e.errMsg).toContain('must not start with "/"');
});

it('with --data, files are kept in the data directory across restarts', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tixing-storage-'));
  try {
    const first = await startTestEmulator({ fixtures: ['whoami'], dataDir });
    const { fileID } = await sdk(first, () => cloud.uploadFile({ cloudPath: 'keep/me.txt', fileContent: Buffer.from('kept') }));
    await first.stop();
    expect(readFileSync(join(dataDir, 'storage', 'keep', 'me.txt'), 'utf8')).toBe('kept');
    const second = await startTestEmulator({ fixtures: ['whoami'], dataDir });
    try {
      const res = await sdk(second, () => cloud.downloadFile({ fileID }));
      expect(Buffer.from(res.fileContent as Buffer).toString()).toBe('kept');
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
