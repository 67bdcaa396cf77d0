// End to end (emulator + real wx-server-sdk): the `users` function — identify from a team function (any openid) and
// from the mini program (own nickname/tz only), get, CSV import with bad rows, and bad input that writes nothing.
import { useEmulator, type Envelope } from '../support/emulator';
import { createCollections } from '../dispatch/support';

const h = useEmulator();

beforeEach(async () => {
  await h.emu.reset();
  createCollections(h.emu);
});

/** A call from another cloud function: SOURCE `scf` (or `wx_client,scf` when a user started the chain), no token. */
async function fromFunction(event: Record<string, unknown>, startedBy?: string): Promise<Envelope> {
  const r = await h.emu.callRaw('users', event, startedBy ? { kind: 'scf', openid: startedBy, source: 'wx_client,scf' } : { kind: 'scf' });
  if (!r.ok) throw new Error(`users failed: ${JSON.stringify(r.error)}`);
  return r.result as Envelope;
}
const fromClient = (openid: string, event: Record<string, unknown>) => h.emu.call<Envelope>('users', openid, event);
const usersDocs = () => h.emu.db.find('users', {});

it('a team function identifies any openid: nickname, tags, attributes, tz; attributes change key by key', async () => {
  const r = await fromFunction({ action: 'identify', openid: 'o-alice', nickname: '  阿明 ', tags: ['vip', 'reader', 'vip'], attributes: { city: '上海', level: 3, paid: true }, tz: 'Europe/Berlin' });
  expect(r).toMatchObject({ ok: true, data: { openid: 'o-alice', profile: { _id: 'o-alice', nickname: '阿明', tags: ['vip', 'reader'], attributes: { city: '上海', level: 3, paid: true }, tz: 'Europe/Berlin' } } });
  // A later identify changes one attribute, removes one (null), keeps the rest.
  await fromFunction({ action: 'identify', openid: 'o-alice', attributes: { level: 4, paid: null } });
  const doc = h.emu.db.find('users', { _id: 'o-alice' })[0]!;
  expect(doc).toMatchObject({ nickname: '阿明', tags: ['vip', 'reader'], attributes: { city: '上海', level: 4 }, tz: 'Europe/Berlin', updatedAt: expect.any(Number) });
  expect((doc.attributes as Record<string, unknown>).paid).toBeUndefined();
  // A function started by a mini program user (SOURCE wx_client,scf) is still a function: any openid.
  expect(await fromFunction({ action: 'identify', openid: 'o-bob', tags: ['new'] }, 'o-alice')).toMatchObject({ ok: true, data: { openid: 'o-bob' } });
  expect(await fromFunction({ action: 'get', openid: 'o-bob' })).toMatchObject({ ok: true, data: { profile: { _id: 'o-bob', tags: ['new'] } } });
});

it('identify keeps the message settings stored on the same users document', async () => {
  h.emu.db.insert('users', [{ _id: 'o-alice', openid: 'o-alice', mainSwitch: true, itemSettings: { TPL_EVENT_REMINDER: 'accept' } }]);
  await fromFunction({ action: 'identify', openid: 'o-alice', nickname: '阿明', tags: ['vip'] });
  expect(h.emu.db.find('users', { _id: 'o-alice' })[0]).toMatchObject({ mainSwitch: true, itemSettings: { TPL_EVENT_REMINDER: 'accept' }, nickname: '阿明', tags: ['vip'] });
});

it('the mini program sets only its own nickname and tz; never tags, attributes or another user', async () => {
  expect(await fromClient('o-carol', { action: 'identify', nickname: '卡罗', tz: 'Asia/Tokyo' })).toMatchObject({ ok: true, data: { openid: 'o-carol', profile: { nickname: '卡罗', tz: 'Asia/Tokyo' } } });
  const before = usersDocs();
  const tags = await fromClient('o-carol', { action: 'identify', tags: ['vip'] });
  expect(tags).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', details: { fields: ['tags'] } } });
  const attrs = await fromClient('o-carol', { action: 'identify', nickname: 'x', attributes: { level: 9 } });
  expect(attrs).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  const other = await fromClient('o-carol', { action: 'identify', openid: 'o-dave', nickname: '冒名' });
  expect(other).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  expect(await fromClient('o-carol', { action: 'get', openid: 'o-dave' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  expect(await fromClient('o-carol', { action: 'get' })).toMatchObject({ ok: true, data: { profile: { _id: 'o-carol', nickname: '卡罗' } } });
  expect(await fromClient('o-carol', { action: 'import', csv: 'openid,tags\no-carol,vip\n' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  // Nothing was written by the refused calls.
  expect(usersDocs()).toEqual(before);
  expect(h.emu.db.find('users', { _id: 'o-dave' })).toHaveLength(0);
  // An admin on this environment's list may set anything from the mini program (the console).
  expect(await fromClient('o-admin', { action: 'identify', openid: 'o-dave', tags: ['vip'] })).toMatchObject({ ok: true });
});

it('bad input to every action gets a clear code and writes nothing', async () => {
  const bad: [string, Record<string, unknown>, string][] = [
    ['function', { action: 'identify', openid: 'o-x', tz: 'Mars/Olympus' }, 'INVALID_INPUT'],
    ['function', { action: 'identify', openid: 'o-x', tz: 'shanghai' }, 'INVALID_INPUT'],
    ['function', { action: 'identify', openid: 'o-x', nickname: '' }, 'INVALID_INPUT'],
    ['function', { action: 'identify', openid: 'o-x', nickname: 'a\u0000b' }, 'INVALID_INPUT'],
    ['function', { action: 'identify', openid: 'o-x', nickname: '长'.repeat(65) }, 'INVALID_INPUT'],
    ['function', { action: 'identify', openid: 'o-x', tags: 'vip' }, 'INVALID_INPUT'],
    ['function', { action: 'identify', openid: 'o-x', tags: ['has space'] }, 'INVALID_INPUT'],
    ['function', { action: 'identify', openid: 'o-x', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'INVALID_INPUT'],
    ['function', { action: 'identify', openid: 'o-x', attributes: { 'a.b': 1 } }, 'INVALID_INPUT'],
    ['function', { action: 'identify', openid: 'o-x', attributes: { $where: 1 } }, 'INVALID_INPUT'],
    ['function', { action: 'identify', openid: 'o-x', attributes: { deep: { x: 1 } } }, 'INVALID_INPUT'],
    ['function', { action: 'identify', openid: 'o-x', attributes: { n: Number.NaN } }, 'INVALID_INPUT'],
    ['function', { action: 'identify', openid: 'o-x' }, 'INVALID_INPUT'],
    ['function', { action: 'identify', nickname: 'nobody' }, 'INVALID_INPUT'],
    ['function', { action: 'identify', openid: { $ne: null }, nickname: 'x' }, 'INVALID_INPUT'],
    ['function', { action: 'identify', openid: 'o-x', nickname: 'x', role: 'admin' }, 'UNKNOWN_FIELD'],
    ['function', { action: 'get', openid: 'bad openid' }, 'INVALID_INPUT'],
    ['function', { action: 'get' }, 'INVALID_INPUT'],
    ['function', { action: 'import', csv: '' }, 'INVALID_INPUT'],
    ['function', { action: 'import', csv: 'nickname,tags\n阿明,vip\n' }, 'INVALID_INPUT'],
    ['function', { action: 'import', csv: 'openid,bad-col\no-a,1\n' }, 'INVALID_INPUT'],
    ['function', { action: 'import', csv: 'x'.repeat(200_001) }, 'INVALID_INPUT'],
    ['function', { action: 'drop' }, 'UNKNOWN_ACTION'],
    ['client', { action: 'identify', nickname: 'x'.repeat(300) }, 'INVALID_INPUT'],
    ['client', { action: 'identify', tz: 'Not/AZone' }, 'INVALID_INPUT'],
  ];
  for (const [who, event, code] of bad) {
    const r = who === 'function' ? await fromFunction(event) : await fromClient('o-carol', event);
    expect({ event: JSON.stringify(event).slice(0, 80), code: r.ok ? 'ok' : r.error.code }).toEqual({ event: JSON.stringify(event).slice(0, 80), code });
    if (!r.ok) expect(r.error.message.length).toBeLessThan(300); // never echoes input at length
  }
  expect(usersDocs()).toEqual([]);
});

it('import: good rows are written, bad rows are listed by line, nothing is lost; a re-import is idempotent', async () => {
  const csv = [
    'openid,nickname,tags,tz,city,level:number,vip:boolean',
    'o-a1,阿明,vip|reader,Asia/Shanghai,上海,3,true',
    'o-a2,"Li, Lei",vip,,北京,,false',
    ',nobody,vip,,,,', // line 4: no openid
    'o-a3,坏时区,vip,Moon/Base,,,', // line 5: bad tz
    'o-a4,数字,vip,,,three,', // line 6: bad number
    'o-a5,"多行',
    '名字",vip,,,,', // lines 7–8: a quoted newline (control character in a nickname: refused)
    'o-a1,again,vip,,,,', // line 9: repeats line 2
    'o-a6,短行', // line 10: wrong number of cells
    'o-a7,,new,,,,',
    '',
  ].join('\n');
  const r = await fromFunction({ action: 'import', csv });
  expect(r).toMatchObject({ ok: true, data: { imported: 3 } });
  const bad = (r as unknown as { data: { bad: { line: number; reason: string }[] } }).data.bad;
  expect(bad.map((b) => b.line)).toEqual([4, 5, 6, 7, 9, 10]);
  expect(bad[0]!.reason).toMatch(/openid is empty/);
  expect(bad[1]!.reason).toMatch(/tz/);
  expect(bad[2]!.reason).toMatch(/level: must be a number/);
  expect(bad[4]!.reason).toMatch(/repeats line 2/);
  expect(h.emu.db.find('users', {}).map((d) => d._id).sort()).toEqual(['o-a1', 'o-a2', 'o-a7']);
  expect(h.emu.db.find('users', { _id: 'o-a1' })[0]).toMatchObject({ nickname: '阿明', tags: ['vip', 'reader'], tz: 'Asia/Shanghai', attributes: { city: '上海', level: 3, vip: true } });
  expect(h.emu.db.find('users', { _id: 'o-a2' })[0]).toMatchObject({ nickname: 'Li, Lei', attributes: { city: '北京', vip: false } });
  const snapshot = h.emu.db.find('users', {}).map(({ updatedAt: _u, ...rest }) => rest);
  expect(await fromFunction({ action: 'import', csv })).toMatchObject({ ok: true, data: { imported: 3 } });
  expect(h.emu.db.find('users', {}).map(({ updatedAt: _u, ...rest }) => rest)).toEqual(snapshot);
});
