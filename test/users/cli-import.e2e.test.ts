// End to end: `npm run tixing -- users import file.csv` (scripts/tixing.ts on @cloudbase/node-sdk) against the
// emulator, spawned as an operator runs it — progress, good rows imported, bad rows listed by line (exit 1),
// a header it cannot read imports nothing (exit 1, clear message), a re-run writes the same profiles.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, useEmulator } from '../support/emulator';
import { createCollections } from '../dispatch/support';

const h = useEmulator();
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const CLI = join(ROOT, 'scripts', 'tixing.ts');
const dir = mkdtempSync(join(tmpdir(), 'tixing-users-'));

function cliEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(TCB_|WX_|TENCENTCLOUD_|SCF_)/.test(k)) env[k] = v;
  return { ...env, ...h.emu.sdkEnv() };
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(TSX, [CLI, ...args], { env: cliEnv(), cwd: ROOT, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: x.code ?? -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}

beforeAll(() => createCollections(h.emu));

it('imports good rows with progress and lists bad rows by line; nothing good is lost; a re-run is idempotent', async () => {
  const rows = Array.from({ length: 250 }, (_, i) => `o-imp${String(i).padStart(4, '0')},用户${i},${i % 2 ? 'vip|reader' : 'reader'},,${i % 3 ? '上海' : '北京'},${i}`);
  rows.splice(10, 0, 'bad openid!,x,vip,,上海,1'); // line 12
  rows.splice(100, 0, 'o-tz,x,vip,Asia/Nowhere,上海,1'); // line 102
  rows.splice(200, 0, 'o-lvl,x,vip,,上海,ten'); // line 202
  const file = join(dir, 'users.csv');
  writeFileSync(file, `\uFEFFopenid,nickname,tags,tz,city,level:number\r\n${rows.join('\r\n')}\r\n`);
  const r = await cli(['users', 'import', file]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('importing 250 row(s)');
  expect(r.stderr).toMatch(/100\/250 imported[\s\S]*200\/250 imported[\s\S]*250\/250 imported/);
  expect(r.stdout).toContain('imported 250 user(s)');
  expect(r.stdout).toMatch(/3 bad row\(s\)[^\n]*\n  line 12: openid: must be an openid[^\n]*\n  line 102: tz: [^\n]*\n  line 202: level: must be a number/);
  expect(h.emu.db.find('users', {})).toHaveLength(250);
  expect(h.emu.db.find('users', { _id: 'o-imp0001' })[0]).toMatchObject({ nickname: '用户1', tags: ['vip', 'reader'], attributes: { city: '上海', level: 1 } });
  const again = await cli(['users', 'import', file, '--json']);
  expect(JSON.parse(again.stdout)).toMatchObject({ imported: 250, bad: [{ line: 12 }, { line: 102 }, { line: 202 }] });
  expect(h.emu.db.find('users', {})).toHaveLength(250);
});

it('an unreadable header imports nothing and says why', async () => {
  const file = join(dir, 'noheader.csv');
  writeFileSync(file, 'id,name\no-x,阿明\n');
  const r = await cli(['users', 'import', file]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/header: .*id/);
  expect(h.emu.db.find('users', { _id: 'o-x' })).toHaveLength(0);
  expect((await cli(['users', 'import', join(dir, 'missing.csv')])).stderr).toContain('cannot read');
});
