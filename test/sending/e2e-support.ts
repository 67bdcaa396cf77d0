// Test support (end to end, sending): builds the `templates` function and the `sendprobe` fixture into a fresh temp
// folder (plus copies whose config.json lacks a permission, for -604101), and seeds grants in both ledgers.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { grantId, newGrantDoc } from '../../core/grants/model';
import type { Emulator } from '../../emulator';
import type { WechatSimulatorExt } from '../../emulator/wechat';
import { buildFunction } from '../../scripts/build';

const ROOT = resolve(__dirname, '..', '..');

const openapiOf = (fn: string): string[] =>
  (JSON.parse(readFileSync(join(ROOT, 'cloudfunctions', fn, 'config.json'), 'utf8')) as { permissions: { openapi: string[] } }).permissions.openapi;

/** name → [source folder, permissions.openapi of the built copy]. */
const FUNCTIONS: Record<string, [string, string[]]> = {
  templates: [join(ROOT, 'cloudfunctions', 'templates'), openapiOf('templates')],
  templatesbare: [join(ROOT, 'cloudfunctions', 'templates'), ['subscribeMessage.send']],
  sendprobe: [join(ROOT, 'test', 'fixtures', 'functions', 'sendprobe'), ['subscribeMessage.send']],
  sendprobebare: [join(ROOT, 'test', 'fixtures', 'functions', 'sendprobe'), []],
};

/** A temp folder to use as `functionsDir`; fill it with `buildSendingFunctions` in a beforeAll. */
export const FUNCTIONS_DIR = mkdtempSync(join(tmpdir(), 'tixing-sending-'));

/** Always rebuilt from the current sources (core/ and adapters/ included), so a stale bundle can never be tested. */
export async function buildSendingFunctions(dir = FUNCTIONS_DIR): Promise<void> {
  await Promise.all(
    Object.entries(FUNCTIONS).map(async ([name, [src, openapi]]) => {
      mkdirSync(join(dir, name), { recursive: true });
      await buildFunction(src, { outfile: join(dir, name, 'index.js'), logLevel: 'error' });
      writeFileSync(join(dir, name, 'config.json'), JSON.stringify({ permissions: { openapi } }));
    }),
  );
}

export const COLLECTIONS = ['grants', 'consent_log', 'templates', 'deliveries', 'admins'];

export function sim(emu: Emulator): WechatSimulatorExt {
  return emu.wechat as WechatSimulatorExt;
}

/** The user has accepted `n` times: the ledger and WeChat's own quota agree. */
export function seedGrant(emu: Emulator, openid: string, templateId: string, n: number, wechatToo = true): void {
  const doc = { ...newGrantDoc(openid, templateId, 'one-time', emu.now()), remaining: n, granted: n, acceptsClient: n, lastResult: 'accept' };
  emu.db.insert('grants', [doc]);
  if (wechatToo) emu.wechat.setQuota(openid, templateId, n);
}

export function ledger(emu: Emulator, openid: string, templateId: string): number | undefined {
  return emu.db.find('grants', { _id: grantId(openid, templateId) })[0]?.remaining as number | undefined;
}

export function delivery(emu: Emulator, id: string): Record<string, unknown> | undefined {
  return emu.db.find('deliveries', { _id: id })[0];
}
