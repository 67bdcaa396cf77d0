// End to end: users identified through the `users` function drive campaign audiences — a segment (all / any of /
// not, tags and attributes) reaches exactly its users with their nicknames; an explicit list; the preview agrees.
import { useEmulator, type Envelope } from '../support/emulator';
import { campaignOf, createCollections, deliveriesOf, drain, seedAudience, seedCampaign } from '../dispatch/support';
import type { Audience } from '../../core/campaigns/model';

const h = useEmulator();

beforeEach(async () => {
  await h.emu.reset();
  createCollections(h.emu);
});

const identify = async (event: Record<string, unknown>) => {
  const r = await h.emu.callRaw('users', { action: 'identify', ...event }, { kind: 'scf' });
  expect(r.result).toMatchObject({ ok: true });
};
const admin = (event: Record<string, unknown>) => h.emu.call<Envelope>('campaigns', 'o-admin', event);
const DATA = { thing1: '周末读书会', time2: '2026-05-02 09:00', thing3: '图书馆', thing4: '{{nickname}}，记得带书' };

/** Six grant holders identified by a team function; o-u000005 has a grant but no profile. */
async function population(): Promise<string[]> {
  const ids = seedAudience(h.emu, 6, { quota: 20 });
  const [a, b, c, d, e] = ids as [string, string, string, string, string];
  await identify({ openid: a, nickname: '阿明', tags: ['vip', 'reader'], attributes: { city: '上海', level: 3 } });
  await identify({ openid: b, nickname: '小红', tags: ['vip'], attributes: { city: '北京', level: 1 } });
  await identify({ openid: c, nickname: '老王', tags: ['reader'], attributes: { city: '广州' } });
  await identify({ openid: d, nickname: '丽丽', tags: ['churned'], attributes: { city: '上海', level: 2 } });
  await identify({ openid: e, nickname: '大卫', attributes: { city: '深圳' } });
  return ids;
}

async function reach(audience: Audience): Promise<{ got: string[]; preview: Record<string, number>; nick: Record<string, string | undefined> }> {
  const created = await admin({ action: 'create', name: '分群测试', templateId: 'TPL_EVENT_REMINDER', data: DATA, audience });
  expect(created).toMatchObject({ ok: true });
  const id = (created as { ok: true; data: { id: string } }).data.id;
  const preview = await admin({ action: 'previewAudience', id });
  const camp = seedCampaign(h.emu, { data: DATA, audience: (campaignOf(h.emu, id) as { audience: Audience }).audience });
  await drain(h.emu, camp._id);
  const got = deliveriesOf(h.emu, camp._id).filter((x) => x.status === 'sent').map((x) => x.openid).sort();
  const nick: Record<string, string | undefined> = {};
  for (const o of got) nick[o] = h.emu.inbox(o).at(-1)?.data.thing4?.value;
  return { got, preview: (preview as { data: Record<string, number> }).data, nick };
}

it('identify → a segment campaign reaches exactly those users, each with their own nickname', async () => {
  const [a, , c] = await population();
  const r = await reach({ kind: 'segment', tags: ['reader'] });
  expect(r.got).toEqual([a, c].sort());
  expect(r.nick).toEqual({ [a!]: '阿明，记得带书', [c!]: '老王，记得带书' });
  expect(r.preview).toMatchObject({ reachable: 2, total: 2, noGrant: 0 });
});

it('any of, not, attribute lists and not-attributes', async () => {
  const [a, b, c, d, e] = await population();
  expect((await reach({ kind: 'segment', anyTags: ['vip', 'churned'] })).got).toEqual([a, b, d].sort());
  expect((await reach({ kind: 'segment', anyTags: ['vip', 'reader'], notTags: ['reader'] })).got).toEqual([b]);
  // "not" matches identified users only: e has no tags at all (counts as not churned); o-u000005 has no profile.
  const notChurned = await reach({ kind: 'segment', notTags: ['churned'] });
  expect(notChurned.got).toEqual([a, b, c, e].sort());
  expect(notChurned.preview).toMatchObject({ reachable: 4, total: 4 });
  expect((await reach({ kind: 'segment', attributes: { city: ['上海', '深圳'] } })).got).toEqual([a, d, e].sort());
  expect((await reach({ kind: 'segment', attributes: { city: '上海' }, notAttributes: { level: 2 } })).got).toEqual([a]);
  // A missing attribute counts as different: c has no level.
  expect((await reach({ kind: 'segment', notAttributes: { level: [1, 2, 3] } })).got).toEqual([c, e].sort());
});

it('an explicit list: listed users with a grant are sent to; a listed user without one is skipped no_grant, not lost', async () => {
  const [a, , c] = await population();
  const r = await reach({ kind: 'list', openids: [c!, 'o-nogrant', a!, c!] });
  expect(r.got).toEqual([a, c].sort());
  expect(r.nick[a!]).toBe('阿明，记得带书');
  expect(r.preview).toMatchObject({ reachable: 2, noGrant: 1, total: 3 });
  const all = h.emu.db.find('deliveries', { sourceType: 'campaign', openid: 'o-nogrant' });
  expect(all).toEqual([expect.objectContaining({ status: 'skipped', reason: 'no_grant' })]);
  expect(h.emu.inbox('o-nogrant')).toHaveLength(0);
});

it('a long real nickname is shortened to fit its keyword instead of failing that user', async () => {
  const [a, b] = seedAudience(h.emu, 2);
  await identify({ openid: a, nickname: '一个非常非常长的微信昵称真的很长很长很长' });
  await identify({ openid: b, nickname: '短名' });
  const camp = seedCampaign(h.emu, { data: { ...DATA, thing4: '{{nickname}}，记得带书来参加' } });
  await drain(h.emu, camp._id);
  expect(campaignOf(h.emu, camp._id)).toMatchObject({ status: 'completed', counters: { sent: 2, failed: 0, skipped: 0 } });
  const long = h.emu.inbox(a!)[0]!.data.thing4!.value;
  expect([...long].length).toBeLessThanOrEqual(20);
  expect(long).toMatch(/^一个非常.*…，记得带书来参加$/);
  expect(h.emu.inbox(b!)[0]!.data.thing4!.value).toBe('短名，记得带书来参加');
});

it('bad audiences are refused with a clear code and nothing is written', async () => {
  const bad: unknown[] = [
    { kind: 'segment' },
    { kind: 'segment', notTags: [] },
    { kind: 'segment', anyTags: ['x'], extra: 1 },
    { kind: 'segment', attributes: { 'a.b': 1 } },
    { kind: 'segment', attributes: { city: [] } },
    { kind: 'segment', notAttributes: { city: { $ne: 1 } } },
    { kind: 'list', openids: [] },
    { kind: 'list', openids: ['bad openid'] },
    { kind: 'list', openids: Array.from({ length: 1001 }, (_, i) => `o-${i}`) },
    { kind: 'everyone' },
  ];
  for (const audience of bad) {
    const r = await admin({ action: 'create', name: 'x', templateId: 'TPL_EVENT_REMINDER', data: DATA, audience });
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  }
  expect(h.emu.db.find('campaigns', {})).toHaveLength(0);
});
