// Alerts end to end for a missing permission (-604101): the dispatch bundle deployed WITHOUT "subscribeMessage.send"
// in its config.json permissions.openapi (a copy of the real bundle in a temporary functions directory). The
// deliveries wait (pending, no attempt counted) and the webhook is told once, however many runs hit it.
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildStale, ROOT, useEmulator } from '../support/emulator';
import { createCollections, deliveriesOf, dispatchRuns, seedAudience, seedCampaign } from '../dispatch/support';

const dir = mkdtempSync(join(tmpdir(), 'tixing-noperm-'));
let server: http.Server;
const posts: string[] = [];

// Before the emulator starts (hooks run in the order they are declared): it reads its functions directory at start.
beforeAll(async () => {
  await buildStale(join(ROOT, 'cloudfunctions'));
  mkdirSync(join(dir, 'dispatch'));
  copyFileSync(join(ROOT, 'cloudfunctions', 'dispatch', 'index.js'), join(dir, 'dispatch', 'index.js'));
  copyFileSync(join(ROOT, 'cloudfunctions', 'dispatch', 'package.json'), join(dir, 'dispatch', 'package.json'));
  writeFileSync(join(dir, 'dispatch', 'config.json'), JSON.stringify({ permissions: { openapi: [] }, triggers: [{ name: 'dispatchTimer', type: 'timer', config: '*/10 * * * * * *' }] }));
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      posts.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
const h = useEmulator({ functionsDir: dir, noBuild: true });
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

it('-604101: deliveries wait, the webhook is told once', async () => {
  createCollections(h.emu);
  h.emu.setFunctionEnv({ TIXING_ALERTS_WEBHOOK: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` });
  seedAudience(h.emu, 3);
  const c = seedCampaign(h.emu);
  await dispatchRuns(h.emu, 2);
  h.emu.clock.advance(90_000);
  await dispatchRuns(h.emu);
  const ds = deliveriesOf(h.emu, c._id);
  // Every delivery waits; those tried before the run halted on the error carry it (a run claims from its queue slot,
  // so the first claim need not hold all three).
  expect(ds.every((d) => d.status === 'pending' && d.attempts === 0 && (d.errCode === undefined || d.errCode === -604101))).toBe(true);
  expect(ds.some((d) => d.errCode === -604101)).toBe(true);
  expect(posts).toHaveLength(1);
  expect((JSON.parse(posts[0]!) as { text: { content: string } }).text.content).toContain('subscribeMessage.send');
  expect(h.emu.db.find('alerts', {})).toEqual([expect.objectContaining({ _id: 'permission:subscribeMessage.send', status: 'sent' })]);
});
