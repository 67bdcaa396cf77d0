// Emulator console: the browser UI served at `/` (for a browser: `Accept: text/html`; curl still gets the text index)
// and its read/write API under /console/. The page is preact + htm, charts by uPlot, bundled by esbuild on the first
// request and kept in memory. Live updates: server-sent events on /console/events (an invocation ended, something
// changed through the HTTP API, and a heartbeat with the virtual time).
import { EJSON } from 'bson';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import type { Doc } from '../contracts';
import { HttpError, parseJsonBody, readBody, sendJson } from '../server/http';
import type { ServerDeps } from '../server/routes';
import { campaignsView } from './campaigns';

const WEB = join(__dirname, 'web');
const ROOT = resolve(__dirname, '..', '..');

/** Server-sent events to every open console. */
export class ConsoleEvents {
  private clients = new Set<ServerResponse>();
  private heartbeat?: NodeJS.Timeout;
  private pending = false;

  constructor(private readonly now: () => number) {}

  attach(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(`retry: 1000\n\n`);
    this.clients.add(res);
    res.on('close', () => {
      this.clients.delete(res);
      if (this.clients.size === 0 && this.heartbeat) {
        clearInterval(this.heartbeat);
        this.heartbeat = undefined;
      }
    });
    this.send('clock', { now: this.now() }, res);
    this.heartbeat ??= setInterval(() => this.send('clock', { now: this.now() }), 1000);
    this.heartbeat.unref();
  }

  /** Something changed: coalesced into one `changed` event per 200 ms. */
  changed(): void {
    if (this.pending || this.clients.size === 0) return;
    this.pending = true;
    setTimeout(() => {
      this.pending = false;
      this.send('changed', { now: this.now() });
    }, 200).unref();
  }

  send(event: string, data: unknown, only?: ServerResponse): void {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const c of only ? [only] : this.clients) if (!c.writableEnded) c.write(frame);
  }

  close(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const c of this.clients) c.end();
    this.clients.clear();
  }
}

let bundle: Promise<{ js: string; css: string }> | undefined;

/** esbuild bundles web/main.ts (preact, htm, uPlot) once per process. */
export function buildConsole(): Promise<{ js: string; css: string }> {
  bundle ??= (async () => {
    const esbuild = await import('esbuild');
    const out = await esbuild.build({
      entryPoints: [join(WEB, 'main.ts')],
      bundle: true,
      write: false,
      format: 'iife',
      target: 'es2020',
      minify: true,
      legalComments: 'none',
      logLevel: 'silent',
      absWorkingDir: ROOT,
    });
    const js = out.outputFiles[0]?.text ?? '';
    const css = readFileSync(join(ROOT, 'node_modules', 'uplot', 'dist', 'uPlot.min.css'), 'utf8') + readFileSync(join(WEB, 'console.css'), 'utf8');
    return { js, css };
  })();
  bundle.catch(() => (bundle = undefined));
  return bundle;
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Tixing emulator console</title><link rel="stylesheet" href="/console/app.css"></head>
<body><div id="app"></div><script src="/console/app.js"></script></body></html>`;

function send(res: ServerResponse, type: string, body: string): void {
  res.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}

/** Documents as the console shows them: relaxed Extended JSON (Dates as {"$date": …}). */
const toJson = (v: unknown): unknown => JSON.parse(EJSON.stringify(v, { relaxed: true }));
const fromJson = (v: unknown): Doc => EJSON.parse(JSON.stringify(v), { relaxed: true }) as Doc;

const COLLECTION = /^[A-Za-z0-9_-]{1,128}$/;

function collectionParam(name: string | undefined): string {
  if (!name || !COLLECTION.test(name)) throw new HttpError(400, `bad collection name "${name ?? ''}"`);
  return name;
}

function intParam(url: URL, key: string, dflt: number, max: number): number {
  const v = url.searchParams.get(key);
  if (v === null || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new HttpError(400, `"${key}" must be an integer from 0 to ${max}`);
  return n;
}

/** True when the request was the console's (it answered it). */
export async function handleConsole(deps: ServerDeps, events: ConsoleEvents, req: IncomingMessage, res: ServerResponse, url: URL, parts: string[]): Promise<boolean> {
  const method = req.method ?? 'GET';
  const accept = String(req.headers.accept ?? '');
  if (parts.length === 0 && method === 'GET' && accept.includes('text/html')) {
    send(res, 'text/html; charset=utf-8', PAGE);
    return true;
  }
  if (parts.length === 1 && parts[0] === 'favicon.ico' && method === 'GET') {
    res.writeHead(204).end();
    return true;
  }
  if (parts[0] !== 'console') return false;
  const [, b, c, d, e] = parts;
  if (method === 'GET' && b === 'app.js' && !c) {
    send(res, 'text/javascript; charset=utf-8', (await buildConsole()).js);
    return true;
  }
  if (method === 'GET' && b === 'app.css' && !c) {
    send(res, 'text/css; charset=utf-8', (await buildConsole()).css);
    return true;
  }
  if (method === 'GET' && b === 'events' && !c) {
    events.attach(res);
    return true;
  }
  if (b !== 'api') return false;

  if (method === 'GET' && c === 'overview' && !d) {
    sendJson(res, 200, overview(deps));
    return true;
  }
  if (c === 'db') {
    if (method === 'GET' && !d) {
      const declared = deps.db.indexes();
      const names = [...new Set([...deps.db.collections(), ...Object.keys(declared)])].sort();
      const existing = new Set(deps.db.collections());
      sendJson(res, 200, {
        collections: names.map((name) => ({ name, exists: existing.has(name), count: existing.has(name) ? deps.db.find(name).length : 0, indexes: declared[name] ?? [] })),
      });
      return true;
    }
    const coll = collectionParam(d);
    if (method === 'GET' && !e) {
      let query: Doc = {};
      const q = url.searchParams.get('q');
      if (q && q.trim()) {
        try {
          query = fromJson(JSON.parse(q));
        } catch {
          throw new HttpError(400, 'the query must be a JSON object, e.g. {"status":"sent"}');
        }
        if (!query || typeof query !== 'object' || Array.isArray(query)) throw new HttpError(400, 'the query must be a JSON object');
      }
      const limit = intParam(url, 'limit', 50, 1000);
      const skip = intParam(url, 'skip', 0, 10_000_000);
      const all = deps.db.find(coll, query);
      sendJson(res, 200, { total: all.length, skip, docs: all.slice(skip, skip + limit).map(toJson) });
      return true;
    }
    if (method === 'POST' && !e) {
      const doc = fromJson(parseJsonBody(await readBody(req)));
      deps.db.insert(coll, [doc]);
      events.changed();
      sendJson(res, 200, { ok: true });
      return true;
    }
    if (method === 'PUT' && e) {
      const doc = fromJson(parseJsonBody(await readBody(req)));
      if (doc._id !== undefined && String(doc._id) !== e) throw new HttpError(400, `"_id" in the body (${JSON.stringify(doc._id)}) differs from the one in the path (${e})`);
      deps.db.replace(coll, { ...doc, _id: docId(deps, coll, e) });
      events.changed();
      sendJson(res, 200, { ok: true });
      return true;
    }
    if (method === 'DELETE' && e) {
      if (!deps.db.remove(coll, docId(deps, coll, e))) throw new HttpError(404, `no document "${e}" in ${coll}`, 'NOT_FOUND');
      events.changed();
      sendJson(res, 200, { ok: true });
      return true;
    }
  }
  if (method === 'GET' && c === 'wechat' && !d) {
    sendJson(res, 200, {
      users: deps.wechat.users(),
      templates: deps.wechat.templates(),
      faults: deps.wechat.faults(),
      stats: deps.wechat.stats(),
    });
    return true;
  }
  if (method === 'GET' && c === 'campaigns' && !d) {
    sendJson(res, 200, campaignsView(deps.db, deps.clock.now()));
    return true;
  }
  throw new HttpError(404, `no console endpoint ${method} ${url.pathname}`, 'NOT_FOUND');
}

/** A path id: the string, or the number it spells when the collection holds a numeric `_id` (as the console lists it). */
function docId(deps: ServerDeps, coll: string, id: string): string | number {
  if (/^-?\d+(\.\d+)?$/.test(id) && deps.db.find(coll, { _id: Number(id) }).length > 0) return Number(id);
  return id;
}

function overview(deps: ServerDeps) {
  const log = deps.runner.invocations();
  const workers = deps.runner.workers();
  const upcoming = deps.upcoming();
  const lastByFn = new Map<string, typeof log>();
  for (let i = log.length - 1; i >= 0; i--) {
    const entry = log[i];
    if (!entry) continue;
    const list = lastByFn.get(entry.fn) ?? [];
    if (list.length < 5) list.push(entry);
    lastByFn.set(entry.fn, list);
  }
  const outcomes: Record<string, number> = {};
  for (const entry of log) outcomes[entry.outcome] = (outcomes[entry.outcome] ?? 0) + 1;
  return {
    now: deps.clock.now(),
    offsetMs: deps.clock.offset(),
    functions: deps.runner.functions().map((f) => ({
      name: f.name,
      built: f.built,
      timeoutMs: f.timeoutMs,
      trigger: f.trigger ? { name: f.trigger.name, cron: f.trigger.config } : null,
      workers: workers[f.name] ?? 0,
      last: lastByFn.get(f.name) ?? [],
    })),
    timers: upcoming,
    delayed: deps.delayedTasks.delayed().map((t) => ({ fn: t.fn, at: t.at })),
    running: deps.runner.runningNow(),
    counters: {
      invocations: log.length,
      outcomes,
      adminRequests: deps.runner.totalRequests(),
      db: deps.db.stats().requests,
      sends: deps.wechat.stats().sends,
      delivered: deps.wechat.stats().delivered,
    },
  };
}
