// Emulator server: requests a web page elsewhere made the browser send are refused (emulator/server/http.ts
// foreignRequest) — a foreign Origin, or a Host that is not a loopback name (DNS rebinding) — and change nothing;
// the SDK, curl and the console's own pages (same origin) are served as before.
import { request } from 'node:http';
import { useEmulator } from '../../support/emulator';

const h = useEmulator();

/** POST `path` on the emulator with exactly these extra headers; the status and parsed body. */
function post(path: string, headers: Record<string, string>, body: unknown = {}): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = request({ host: '127.0.0.1', port: h.emu.port, path, method: 'POST', headers: { 'content-type': 'text/plain', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

beforeEach(async () => {
  await h.emu.reset();
  await h.emu.call('setup', 'o-admin', {});
});

it('a POST from a page on another origin is refused with 403 FOREIGN_ORIGIN and runs nothing', async () => {
  const before = h.emu.invocations().length;
  const collections = h.emu.db.collections().length;
  expect(collections).toBeGreaterThan(0);
  for (const origin of ['http://evil.example', 'http://127.0.0.1:1', 'null']) {
    const r = await post('/call/hello', { origin }, { openid: 'o-evil' });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('FOREIGN_ORIGIN');
    expect(JSON.stringify(r.body)).not.toContain('evil');
  }
  const reset = await post('/reset', { origin: 'http://evil.example' });
  expect(reset).toMatchObject({ status: 403, body: { error: { code: 'FOREIGN_ORIGIN' } } });
  expect(h.emu.invocations().length).toBe(before);
  expect(h.emu.db.collections().length).toBe(collections); // not reset
});

it('a request addressed to another name (DNS rebinding) is refused with 403 FOREIGN_HOST', async () => {
  const collections = h.emu.db.collections().length;
  const r = await post('/reset', { host: `rebind.evil.example:${h.emu.port}`, origin: `http://rebind.evil.example:${h.emu.port}` });
  expect(r).toMatchObject({ status: 403, body: { error: { code: 'FOREIGN_HOST' } } });
  expect(JSON.stringify(r.body)).not.toContain('rebind');
  expect(h.emu.db.collections().length).toBe(collections);
});

it('the console’s own pages (same origin, 127.0.0.1 or localhost) and clients without Origin are served', async () => {
  const port = h.emu.port;
  const same = await post('/call/hello', { origin: `http://127.0.0.1:${port}` }, { openid: 'o-dev' });
  expect(same).toMatchObject({ status: 200, body: { ok: true } });
  const local = await post('/call/hello', { host: `localhost:${port}`, origin: `http://localhost:${port}` }, { openid: 'o-dev' });
  expect(local).toMatchObject({ status: 200, body: { ok: true } });
  const plain = await post('/call/hello', {}, { openid: 'o-dev' });
  expect(plain).toMatchObject({ status: 200, body: { ok: true } });
});
