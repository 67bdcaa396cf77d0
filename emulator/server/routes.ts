// Emulator server: the developer/test endpoints besides /admin (call a function as the mini program, fire timers,
// move the clock, drive the simulated WeChat client, snapshot/reset).
import { EJSON } from 'bson';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock, FaultSpec } from '../contracts';
import type { InvocationResult } from '../runner';
import type { AdvanceResult, FireRecord } from '../timers';
import type { AdminDeps } from './admin';
import { HttpError, parseJsonBody, readBody, sendJson, sendText, str } from './http';

export interface ServerDeps extends AdminDeps {
  clock: Clock;
  call(fn: string, openid: string, data: Record<string, unknown>): Promise<InvocationResult>;
  advance(ms: number): Promise<AdvanceResult>;
  trigger(fn: string): Promise<FireRecord>;
  upcoming(): { fn: string; trigger: string; at: number | undefined }[];
  reset(opts?: { recycleWorkers?: boolean }): Promise<void>;
}

export const ENDPOINTS: [string, string][] = [
  ['POST /admin', 'CloudBase endpoint for wx-server-sdk (TCB_CONTEXT_CNFG points here)'],
  ['POST /call/<fn>', 'call a function as the mini program: {"openid":"o-dev","data":{...}} → its return value'],
  ['POST /trigger/<fn>', "fire the function's timer trigger now"],
  ['GET  /clock', 'virtual time and the next timer fire times'],
  ['POST /clock/advance', '{"ms":60000} or {"to":"2026-05-01T01:00:00Z"}: walk the clock forward, firing timers'],
  ['POST /wx/requestSubscribeMessage', '{"openid","tmplIds":[...],"choices":{"<id>":"accept|reject"}}'],
  ['GET  /wx/inbox/<openid>', 'subscription messages delivered to that user'],
  ['GET  /wx/quota/<openid>/<tmplId>', "WeChat's own one-time quota for (user, template)"],
  ['GET  /wx/setting/<openid>', 'wx.getSetting({withSubscriptions:true}) for that user'],
  ['POST /wx/faults', 'set fault injection: {"systemErrorRate":0.1,"latency":{"fixedMs":50},"timeoutRate":0}'],
  ['GET  /storage', 'cloud storage: every file (fileID, cloudPath, size, contentType)'],
  ['GET  /storage/file/<path>', 'a temporary download URL from getTempFileURL (signed, expires)'],
  ['GET  /snapshot', 'export the database (relaxed Extended JSON)'],
  ['POST /snapshot', 'import a database export'],
  ['POST /reset', 'drop all data (database, storage, WeChat state, invocation log); {"recycleWorkers":true} also restarts workers'],
  ['GET  /invocations', 'the invocation log'],
  ['GET  /health', 'liveness and counters'],
];

function summarize(r: InvocationResult) {
  return { id: r.id, ok: r.ok, result: r.result ?? null, error: r.error, durationMs: r.durationMs, requests: r.requests };
}

function fireSummary(f: FireRecord) {
  return { fn: f.fn, trigger: f.trigger, at: new Date(f.at).toISOString(), coalesced: f.coalesced, ...summarize(f.invocation) };
}

export async function handleRoute(deps: ServerDeps, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const method = req.method ?? 'GET';
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const [a, b, c] = parts;
  const body = method === 'POST' ? parseJsonBody(await readBody(req)) : {};

  if (method === 'GET' && parts.length === 0) {
    const lines = ENDPOINTS.map(([k, v]) => `${k.padEnd(34)} ${v}`);
    return sendText(res, 200, `Tixing local CloudBase emulator\n\n${lines.join('\n')}\n`);
  }
  if (method === 'GET' && a === 'health') {
    return sendJson(res, 200, {
      ok: true,
      now: deps.clock.now(),
      functions: deps.runner.functions().map((f) => f.name),
      workers: deps.runner.workers(),
      adminRequests: deps.runner.totalRequests(),
      db: deps.db.stats(),
      wechat: deps.wechat.stats(),
      storage: deps.storage.stats(),
    });
  }
  if (method === 'POST' && a === 'call' && b && parts.length === 2) {
    const openid = str(body.openid);
    if (!openid) throw new HttpError(400, 'body needs "openid" (the calling mini-program user), e.g. {"openid":"o-dev"}');
    const data = body.data ?? {};
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new HttpError(400, '"data" must be an object');
    const r = await deps.call(b, openid, data as Record<string, unknown>);
    const headers = { 'x-invocation-id': r.id, 'x-duration-ms': String(r.durationMs) };
    if (r.ok) return sendJson(res, 200, r.result ?? null, headers);
    const code = r.error?.code ?? 'FUNCTION_ERROR';
    const status = code === 'NOT_FOUND' || code === 'NOT_BUILT' ? 404 : code === 'TIMEOUT' ? 504 : 500;
    return sendJson(res, status, { error: r.error }, headers);
  }
  if (method === 'POST' && a === 'trigger' && b && parts.length === 2) {
    let f: FireRecord;
    try {
      f = await deps.trigger(b);
    } catch (err) {
      throw new HttpError(404, (err as Error).message, 'NO_TRIGGER');
    }
    return sendJson(res, 200, fireSummary(f));
  }
  if (a === 'clock') {
    if (method === 'GET' && !b) {
      const now = deps.clock.now();
      const upcoming = deps.upcoming().map((u) => ({ ...u, at: u.at === undefined ? null : new Date(u.at).toISOString() }));
      return sendJson(res, 200, { now, iso: new Date(now).toISOString(), offsetMs: deps.clock.offset(), upcoming });
    }
    if (method === 'POST' && b === 'advance') {
      let ms: number;
      if (typeof body.ms === 'number') ms = body.ms;
      else if (typeof body.to === 'string' && Number.isFinite(Date.parse(body.to))) ms = Date.parse(body.to) - deps.clock.now();
      else throw new HttpError(400, 'body needs {"ms": <number>} or {"to": "<ISO date>"}');
      if (!Number.isFinite(ms) || ms < 0) throw new HttpError(400, `cannot move the clock backwards (ms = ${ms})`);
      const r = await deps.advance(ms);
      const now = deps.clock.now();
      return sendJson(res, 200, { from: r.from, to: r.to, now, iso: new Date(now).toISOString(), coalesced: r.coalesced, fired: r.fired.map(fireSummary) });
    }
  }
  if (a === 'wx') {
    if (method === 'POST' && b === 'requestSubscribeMessage') {
      const openid = str(body.openid);
      const tmplIds = body.tmplIds;
      if (!openid || !Array.isArray(tmplIds)) throw new HttpError(400, 'body needs {"openid", "tmplIds": [...]}');
      const choices = (body.choices ?? undefined) as Record<string, string> | undefined;
      const alwaysKeep = typeof body.alwaysKeep === 'boolean' ? body.alwaysKeep : undefined;
      return sendJson(res, 200, deps.wechat.requestSubscribeMessage({ openid, tmplIds: tmplIds.map(String), choices, alwaysKeep }));
    }
    if (method === 'GET' && b === 'inbox' && c) return sendJson(res, 200, deps.wechat.inbox(c));
    if (method === 'GET' && b === 'quota' && c && parts[3]) return sendJson(res, 200, { quota: deps.wechat.quota(c, parts[3]) });
    if (method === 'GET' && b === 'setting' && c) return sendJson(res, 200, deps.wechat.getSetting(c));
    if (method === 'POST' && b === 'faults') {
      deps.wechat.setFaults(body as FaultSpec);
      return sendJson(res, 200, { ok: true, faults: body });
    }
  }
  if (a === 'snapshot' && !b) {
    // Relaxed Extended JSON, so Dates survive the round trip ({"$date": "..."}).
    if (method === 'GET') return sendJson(res, 200, JSON.parse(EJSON.stringify(deps.db.exportSnapshot(), { relaxed: true })));
    if (method === 'POST') {
      if (!body.collections || typeof body.collections !== 'object') throw new HttpError(400, 'body needs {"collections": {...}}');
      const snapshot = EJSON.parse(JSON.stringify(body), { relaxed: true }) as { collections: Record<string, Record<string, unknown>[]> };
      deps.db.importSnapshot(snapshot);
      return sendJson(res, 200, { ok: true, collections: deps.db.collections() });
    }
  }
  if (method === 'GET' && a === 'storage' && !b) return sendJson(res, 200, { ...deps.storage.stats(), files: deps.storage.list() });
  if (method === 'POST' && a === 'reset' && !b) {
    await deps.reset({ recycleWorkers: body.recycleWorkers === true });
    return sendJson(res, 200, { ok: true });
  }
  if (method === 'GET' && a === 'invocations' && !b) return sendJson(res, 200, deps.runner.invocations());
  throw new HttpError(404, `no endpoint ${method} ${url.pathname} (GET / lists them)`, 'NOT_FOUND');
}
