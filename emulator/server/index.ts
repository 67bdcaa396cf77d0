// Emulator server: the HTTP server on 127.0.0.1 (`/admin` for the SDK, developer endpoints for people and tests).
import { createServer, Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { AdminError } from '../contracts';
import { ConsoleEvents } from '../console';
import { handleAdmin } from './admin';
import { foreignRequest, HttpError, sendJson } from './http';
import { handleRoute, ServerDeps } from './routes';

export type { ServerDeps } from './routes';
export { ENDPOINTS } from './routes';

export interface EmulatorServer {
  readonly port: number;
  readonly url: string;
  /**
   * Every port that leads to this server: `port` first, then the extra listeners function workers spread their
   * connections over (see `FUNCTION_LISTENERS`).
   */
  readonly ports: readonly number[];
  close(): Promise<void>;
}

/**
 * How many listening sockets lead to the server. libuv 1.45 and later (Node 20 has 1.46) accepts one connection per
 * listening socket per event-loop turn (libuv pull request #3696, "unix: don't accept() connections in a loop").
 * The emulator's loop serves every function's requests, so under load one turn takes ~100 ms: a single listener
 * accepted ~10 connections a second, and a function opening 40 at once (wx-server-sdk opens one per concurrent
 * request) waited 5–9 s in the accept queue — sends WeChat answered in 30 ms missed the sender's 5 s deadline. The
 * cloud's gateway has no such limit. Workers spread their connections over all listeners (runner/bootstrap.ts), so
 * each turn accepts up to this many.
 */
export const FUNCTION_LISTENERS = 16;

/** Listens on 127.0.0.1:`port` (0 = a free port). Every request is answered; no error stops the server. */
export async function startServer(deps: ServerDeps, port: number): Promise<EmulatorServer> {
  const sockets = new Set<Socket>();
  const events = new ConsoleEvents(() => deps.clock.now());
  const unsubscribe = deps.runner.onLogged((entry) => {
    events.send('invocation', entry);
    events.changed();
  });
  // Writes by plain scripts (the SDK outside any invocation) refresh the console too.
  const adminDeps = { ...deps, onChange: () => events.changed() };
  const server: Server = createServer((req, res) => {
    deps.onRequest?.();
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      return sendJson(res, 400, { error: { code: 'BAD_REQUEST', message: 'malformed request target' } });
    }
    const foreign = foreignRequest(req);
    if (foreign) {
      deps.log(`  ${req.method} ${url.pathname} → 403 ${foreign.code}`);
      return sendJson(res, 403, { error: { code: foreign.code, message: foreign.message } });
    }
    const isAdmin = req.method === 'POST' && url.pathname === '/admin';
    // Anything but a read through the developer API may change what an open console shows.
    if (!isAdmin && req.method !== 'GET') res.on('finish', () => events.changed());
    const work = isAdmin
      ? handleAdmin(adminDeps, req, res, url)
      : url.pathname.startsWith('/storage/')
        ? deps.storage.handleHttp(req, res, url).then((done) => (done ? undefined : handleRoute(deps, req, res, url, events)))
        : handleRoute(deps, req, res, url, events);
    work.catch((err: unknown) => {
      if (err instanceof AdminError) err = new HttpError(400, err.message, err.code);
      if (err instanceof HttpError) {
        if (err.status >= 500 || err.status === 400) deps.log(`  ${req.method} ${url.pathname} → ${err.status} ${err.message}`);
        return sendJson(res, err.status, { error: { code: err.code, message: err.message } }, err.headers);
      }
      // The stack and the engine's message go to the log only: answers never carry them (nor absolute paths).
      const e = err as Error;
      deps.log(`  ${req.method} ${url.pathname} → 500 ${e.stack ?? e.message}`);
      sendJson(res, 500, { error: { code: 'INTERNAL', message: 'internal emulator error (the emulator log has the details)' } });
    });
  });
  // Functions' connections are kept alive by their agent (runner/bootstrap.ts), which closes a free one after 5 s:
  // the server waits longer, so it never closes a connection just as a function reuses it (ECONNRESET).
  server.keepAliveTimeout = 30_000;
  // Track sockets so close() never waits on idle ones.
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  await listenOn(server, port);
  const actual = (server.address() as AddressInfo).port;
  // The extra listeners hand each connection to the same HTTP server (net.Server 'connection' → http.Server).
  const extra: NetServer[] = [];
  try {
    for (let i = 1; i < FUNCTION_LISTENERS; i++) {
      const side = createNetServer((socket) => server.emit('connection', socket));
      await listenOn(side, 0);
      extra.push(side);
    }
  } catch (err) {
    for (const side of extra) side.close();
    server.close();
    throw err;
  }
  return {
    port: actual,
    url: `http://127.0.0.1:${actual}`,
    ports: [actual, ...extra.map((side) => (side.address() as AddressInfo).port)],
    close() {
      unsubscribe();
      events.close();
      for (const side of extra) side.close();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}

/** Listens on 127.0.0.1:`port`; rejects with the listen error (port in use…). */
function listenOn(server: NetServer, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
