// Alerts end to end (emulator, real SDK, a local HTTP server standing in for the WeCom group robot): each cause —
// a quarantined campaign, a page not in app.json, the daily quota, too many ambiguous sends, a stuck campaign — is
// posted ONCE however many runs see it; a failed post is retried later (with backoff), never in a storm.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { useEmulator } from '../support/emulator';
import { createCollections, dispatchRuns, seedAudience, seedCampaign } from '../dispatch/support';

const h = useEmulator();
let server: http.Server;
let posts: { cause: string; body: { msgtype?: string; text?: { content?: string } } }[] = [];
let failNext = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as (typeof posts)[number]['body'];
      posts.push({ cause: req.url ?? '', body });
      if (failNext > 0) {
        failNext -= 1;
        res.writeHead(500).end('busy');
        return;
      }
      // WeCom's robot answers errcode 0 on success.
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ errcode: 0, errmsg: 'ok' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

beforeEach(async () => {
  await h.emu.reset();
  createCollections(h.emu);
  posts = [];
  failNext = 0;
  h.emu.setFunctionEnv({ TIXING_ALERTS_WEBHOOK: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` });
  h.emu.clock.set(Date.parse('2026-05-01T02:00:00Z'));
});

const contents = () => posts.map((p) => p.body.text?.content ?? '');
const alertDocs = () => h.emu.db.find('alerts', {}) as { _id: string; status: string; attempts: number }[];

it('a quarantined campaign (45168) and a page not in app.json (41030): one WeCom text message per cause', async () => {
  h.emu.wechat.setPolicy({ sensitiveWords: ['违禁'] });
  seedAudience(h.emu, 6, { quota: 2 }); // two grants each: both campaigns can hold one at the same time
  const bad = seedCampaign(h.emu, { data: { thing1: '违禁词活动', time2: '2026-05-02 09:00', thing3: '图书馆', thing4: '请准时到场' } });
  const nopage = seedCampaign(h.emu, { page: 'pages/nope/nope' });
  await dispatchRuns(h.emu, 2);
  h.emu.clock.advance(120_000);
  await dispatchRuns(h.emu, 2);
  expect(posts.every((p) => p.body.msgtype === 'text')).toBe(true);
  expect(alertDocs().map((d) => [d._id, d.status]).sort()).toEqual([
    [`campaign:${bad._id}:quarantined`, 'sent'],
    ['page:pages/nope/nope', 'sent'],
  ]);
  expect(posts).toHaveLength(2);
  expect(contents().some((c) => c.includes(bad._id) && c.includes('45168'))).toBe(true);
  expect(contents().some((c) => c.includes('pages/nope/nope') && c.includes('41030'))).toBe(true);
  expect(nopage._id).toBeDefined();
});

it('the daily quota: told once; the failed first post is retried after its backoff, not at every run', async () => {
  failNext = 1;
  seedAudience(h.emu, 3);
  seedCampaign(h.emu);
  h.emu.wechat.setFaults({ dailySendQuota: 0 });
  await dispatchRuns(h.emu);
  expect(posts).toHaveLength(1);
  expect(alertDocs()).toEqual([expect.objectContaining({ _id: 'quota:2026-05-02', status: 'pending', attempts: 1 })]);
  // Runs within the backoff (2 min) do not post again.
  for (let i = 0; i < 3; i++) {
    h.emu.clock.advance(20_000);
    await dispatchRuns(h.emu);
  }
  expect(posts).toHaveLength(1);
  h.emu.clock.advance(90_000);
  await dispatchRuns(h.emu, 2);
  expect(posts).toHaveLength(2);
  expect(alertDocs()[0]).toMatchObject({ status: 'sent', attempts: 2 });
  expect(contents()[1]).toContain('配额已用完');
  h.emu.clock.advance(600_000);
  await dispatchRuns(h.emu);
  expect(posts).toHaveLength(2);
});

it('a campaign with nothing moving (a send claimed 40 min ago, still unsettled) is reported stuck, once', async () => {
  const [o] = seedAudience(h.emu, 1);
  const now = h.emu.now();
  const c = seedCampaign(h.emu, { status: 'running', startedAt: now - 3_600_000, cursor: { after: o!, done: true }, updatedAt: now - 40 * 60_000 });
  h.emu.db.insert('deliveries', [{
    _id: `campaign:${c._id}:${o}`, sourceType: 'campaign', sourceId: c._id, openid: o!, templateId: c.templateId, data: {},
    status: 'sending', dueAt: now - 3_600_000, attempts: 0, nextAttemptAt: now - 3_600_000, claimedAt: now - 40 * 60_000,
    leaseUntil: now + 3_600_000, leaseOwner: 'r-elsewhere', claimToken: 't', createdAt: now - 3_600_000, updatedAt: now - 40 * 60_000,
  }]);
  await dispatchRuns(h.emu);
  h.emu.clock.advance(60_000);
  await dispatchRuns(h.emu);
  expect(alertDocs().map((d) => d._id)).toEqual([`campaign:${c._id}:stuck`]);
  expect(posts).toHaveLength(1);
});

it('ambiguous sends above the threshold (5 % of at least 20): told once', async () => {
  seedAudience(h.emu, 20);
  const c = seedCampaign(h.emu);
  h.emu.wechat.setFaults({ timeoutRate: 0.5 });
  await dispatchRuns(h.emu);
  h.emu.clock.advance(120_000);
  await dispatchRuns(h.emu);
  expect(alertDocs().map((d) => d._id)).toEqual([`campaign:${c._id}:ambiguous`]);
  expect(posts).toHaveLength(1);
  expect(contents()[0]).toContain('结果未知');
}, 60_000);
