// Emulator server: the developer/test endpoints besides /admin (call a function as the mini program, fire timers,
// move the clock, drive the simulated WeChat client, snapshot/reset).
import { EJSON } from 'bson';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve, sep } from 'node:path';
import type { Clock, FaultSpec } from '../contracts';
import type { InvocationLogEntry, InvocationResult } from '../runner';
import { FaultSpecError, parseFaultSpec } from '../wechat/faults';
import { ConsoleEvents, handleConsole } from '../console';
import type { AdvanceResult, DelayedTaskFaults, FireRecord, Timers } from '../timers';
import type { LoopHealth } from '../loop-health';
import type { AdminDeps } from './admin';
import { HttpError, parseJsonBody, readBody, sendJson, sendText, str } from './http';

export interface ServerDeps extends AdminDeps {
  clock: Clock;
  call(fn: string, openid: string, data: Record<string, unknown>): Promise<InvocationResult>;
  advance(ms: number): Promise<AdvanceResult>;
  trigger(fn: string): Promise<FireRecord>;
  upcoming(): { fn: string; trigger: string; at: number | undefined }[];
  /** Delayed tasks (cloudbase.addDelayedFunctionTask) waiting for their time, and how they are delivered. */
  delayedTasks: Pick<Timers, 'delayed' | 'delayedTaskFaults' | 'setDelayedTaskFaults'>;
  reset(opts?: { recycleWorkers?: boolean }): Promise<void>;
  /** The emulator's own event loop: longest stall and garbage-collection pauses (emulator/loop-health.ts). */
  loopHealth(): LoopHealth;
  /** Called for every HTTP request received (the loop watch counts them per turn). */
  onRequest?(): void;
}

export const ENDPOINTS: [string, string][] = [
  ['POST /admin', 'CloudBase endpoint for wx-server-sdk (TCB_CONTEXT_CNFG points here)'],
  ['POST /call/<fn>', 'call a function as the mini program: {"openid":"o-dev","data":{...}} → its return value'],
  ['POST /trigger/<fn>', "fire the function's timer trigger now"],
  ['GET  /clock', 'virtual time, the next timer fire times, and the delayed tasks waiting (cloudbase.addDelayedFunctionTask)'],
  ['POST /clock/delayedTasks', '{"fireTwice":true}: every delayed task then runs twice at its time (the platform delivers at least once); {} to stop'],
  ['POST /clock/advance', '{"ms":60000} or {"to":"2026-05-01T01:00:00Z"}: walk the clock forward, firing timers (?detail=1: every run)'],
  ['POST /wx/requestSubscribeMessage', '{"openid","tmplIds":[...],"choices":{"<id>":"accept|reject"}}'],
  ['GET  /wx/inbox/<openid>', 'subscription messages delivered to that user'],
  ['GET  /wx/quota/<openid>/<tmplId>', "WeChat's own one-time quota for (user, template)"],
  ['GET  /wx/setting/<openid>', 'wx.getSetting({withSubscriptions:true}) for that user; POST {"mainSwitch":false} flips the main switch'],
  ['POST /wx/reject/<openid>/<tmplId>', 'the user sets that template to 拒收 (card menu / settings): pushes subscribe_msg_change_event'],
  ['POST /wx/deliveryFailure/<openid>', '{"errorCode":1,"errorStatus":"failed:user block"} accepted sends to that user fail afterwards; {} or null clears'],
  ['POST /wx/faults', 'set (GET: read) fault injection: {"systemErrorRate":0.1,"latency":{"fixedMs":50},"timeoutRate":0,"resetRate":0}'],
  ['GET  /storage', 'cloud storage: every file (fileID, cloudPath, size, contentType)'],
  ['GET  /storage/file/<path>', 'a temporary download URL from getTempFileURL (signed, expires)'],
  ['GET  /snapshot', 'export the database (relaxed Extended JSON)'],
  ['POST /snapshot', 'import a database export'],
  ['POST /reset', 'drop all data (database, storage, WeChat state, invocation log); {"recycleWorkers":true} also restarts workers'],
  ['GET  /invocations', 'the invocation log, newest first: ?fn=&outcome=ok|ok:false|error|<CODE>&openid=&since=&until=&limit=100&detail=1'],
  ['GET  /invocations/<id>', 'one invocation with its event, answer, console output and database requests'],
  ['GET  /health', 'liveness and counters; db.slowest: the slowest database requests; loop: the longest event-loop stall and GC pauses'],
];

/** Endpoints and the method each takes: another method answers 405 naming it. */
const METHODS: [RegExp, string][] = [
  [/^\/call\/[^/]+$/, 'POST'],
  [/^\/trigger\/[^/]+$/, 'POST'],
  [/^\/clock$/, 'GET'],
  [/^\/clock\/advance$/, 'POST'],
  [/^\/clock\/delayedTasks$/, 'POST'],
  [/^\/wx\/requestSubscribeMessage$/, 'POST'],
  [/^\/wx\/faults$/, 'GET, POST'],
  [/^\/wx\/reject\/[^/]+\/[^/]+$/, 'POST'],
  [/^\/wx\/deliveryFailure\/[^/]+$/, 'POST'],
  [/^\/wx\/inbox\/[^/]+$/, 'GET'],
  [/^\/wx\/setting\/[^/]+$/, 'GET, POST'],
  [/^\/wx\/quota\/[^/]+\/[^/]+$/, 'GET'],
  [/^\/snapshot$/, 'GET, POST'],
  [/^\/reset$/, 'POST'],
  [/^\/invocations(\/[^/]+)?$/, 'GET'],
  [/^\/health$/, 'GET'],
];

const ROOT = resolve(__dirname, '..', '..');

/** `{"fireTwice": boolean}` (or `{}`): anything else is refused with 400 INVALID_FAULTS, nothing changed. */
function parseDelayedFaults(body: Record<string, unknown>): DelayedTaskFaults {
  const unknown = Object.keys(body).filter((k) => k !== 'fireTwice');
  if (unknown.length) throw new HttpError(400, `unknown delayed-task fault: ${unknown[0]!.slice(0, 40)} (known: fireTwice)`, 'INVALID_FAULTS');
  if (body.fireTwice !== undefined && typeof body.fireTwice !== 'boolean') throw new HttpError(400, 'fireTwice must be true or false', 'INVALID_FAULTS');
  return body.fireTwice ? { fireTwice: true } : {};
}

/** A message without the machine's absolute paths (project files are named relative to the project). */
export function scrubPaths(message: string): string {
  return message
    .split(`file://${ROOT}${sep}`).join('')
    .split(`${ROOT}${sep}`).join('')
    .replace(/(?:file:\/\/)?\/(?:home|root|tmp|work|usr|var|opt|srv|mnt|private|Users)\/(?:[\w.@+-]+\/)*([\w.@+-]+)/g, '<path>/$1');
}

/** An error a client may see: no stack, no absolute paths (the emulator log has both). */
function publicError(e: InvocationResult['error']) {
  if (!e) return { code: 'FUNCTION_ERROR', message: 'unknown failure' };
  return { code: e.code, message: scrubPaths(e.message) };
}

function summarize(r: InvocationResult) {
  return { id: r.id, ok: r.ok, result: r.result ?? null, error: r.error && publicError(r.error), durationMs: r.durationMs, requests: r.requests };
}

/** What /clock/advance answers by default: counts per function and outcome, and the runs that did not answer ok. */
function advanceSummary(r: AdvanceResult) {
  const byFunction: Record<string, Record<string, number>> = {};
  const notOk: { fn: string; at: string; id: string; outcome: string; error?: string }[] = [];
  for (const f of r.fired) {
    const inv = f.invocation;
    const refusal = inv.ok && isRefusal(inv.result);
    const outcome = inv.ok ? (refusal ? 'ok:false' : 'ok') : (inv.error?.code ?? 'FUNCTION_ERROR');
    const counts = (byFunction[f.fn] ??= {});
    counts[outcome] = (counts[outcome] ?? 0) + 1;
    if (outcome !== 'ok' && notOk.length < 20) {
      const message = refusal ? (inv.result as { error?: { message?: string } }).error?.message : inv.error?.message;
      notOk.push({ fn: f.fn, at: new Date(f.at).toISOString(), id: inv.id, outcome, ...(message ? { error: message } : {}) });
    }
  }
  return { runs: r.fired.length, byFunction, notOk };
}

function isRefusal(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as { ok?: unknown }).ok === false;
}

/** A time filter: epoch ms or an ISO date. */
function timeParam(url: URL, key: string): number | undefined {
  const v = url.searchParams.get(key);
  if (v === null || v === '') return undefined;
  const t = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(t)) throw new HttpError(400, `"${key}" must be an ISO date or epoch milliseconds, got "${v}"`);
  return t;
}

const FILTER_KEYS = ['fn', 'outcome', 'openid', 'kind', 'since', 'until', 'limit', 'detail'];

/** GET /invocations filters (newest first). Exported for the console. */
export function filterInvocations(all: InvocationLogEntry[], url: URL): InvocationLogEntry[] {
  for (const k of url.searchParams.keys()) {
    if (!FILTER_KEYS.includes(k)) throw new HttpError(400, `unknown filter "${k}" (known: ${FILTER_KEYS.join(', ')})`);
  }
  const fn = url.searchParams.get('fn') || undefined;
  const outcome = url.searchParams.get('outcome') || undefined;
  const openid = url.searchParams.get('openid') || undefined;
  const kind = url.searchParams.get('kind') || undefined;
  const since = timeParam(url, 'since');
  const until = timeParam(url, 'until');
  const limitText = url.searchParams.get('limit');
  const limit = limitText === null || limitText === '' ? 100 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 20000) throw new HttpError(400, `"limit" must be an integer from 1 to 20000, got "${limitText}"`);
  const out: InvocationLogEntry[] = [];
  for (let i = all.length - 1; i >= 0 && out.length < limit; i--) {
    const e = all[i] as InvocationLogEntry;
    if (fn && e.fn !== fn) continue;
    if (kind && e.kind !== kind) continue;
    if (openid && e.openid !== openid) continue;
    if (since !== undefined && e.startedAt < since) continue;
    if (until !== undefined && e.startedAt > until) continue;
    if (outcome) {
      const failed = e.outcome !== 'ok' && e.outcome !== 'ok:false';
      const match = outcome === 'error' ? failed : outcome === e.outcome || (e.outcome === 'ok:false' && outcome === e.errorCode);
      if (!match) continue;
    }
    out.push(e);
  }
  return out;
}

/** Path segments, percent-decoded; a malformed escape is the client's mistake (400), not the server's. */
function pathParts(pathname: string): string[] {
  return pathname
    .split('/')
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        throw new HttpError(400, `malformed percent-encoding in the path segment "${p}"`);
      }
    });
}

function fireSummary(f: FireRecord) {
  return { fn: f.fn, trigger: f.trigger, at: new Date(f.at).toISOString(), coalesced: f.coalesced, ...summarize(f.invocation) };
}

export async function handleRoute(deps: ServerDeps, req: IncomingMessage, res: ServerResponse, url: URL, events: ConsoleEvents): Promise<void> {
  const method = req.method ?? 'GET';
  const parts = pathParts(url.pathname);
  if (await handleConsole(deps, events, req, res, url, parts)) return;
  const [a, b, c] = parts;
  const allowed = METHODS.find(([re]) => re.test(url.pathname))?.[1];
  if (allowed && !allowed.split(', ').includes(method)) {
    throw new HttpError(405, `${url.pathname} takes ${allowed.split(', ').join(' or ')}: use ${allowed.includes('POST') && method !== 'POST' ? 'POST' : allowed.split(', ')[0]}`, 'METHOD_NOT_ALLOWED', { allow: allowed });
  }
  const body = method === 'POST' ? parseJsonBody(await readBody(req)) : {};

  if (method === 'GET' && parts.length === 0) {
    const lines = ENDPOINTS.map(([k, v]) => `${k.padEnd(34)} ${v}`);
    return sendText(res, 200, `Tixing local CloudBase emulator (open this address in a browser for the console)\n\n${lines.join('\n')}\n`);
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
      loop: deps.loopHealth(),
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
    const status = code === 'NOT_FOUND' || code === 'NOT_BUILT' ? 404 : code === 'TIMEOUT' ? 504 : code === 'BAD_EVENT' ? 400 : 500;
    return sendJson(res, status, { error: publicError(r.error) }, headers);
  }
  if (method === 'POST' && a === 'trigger' && b && parts.length === 2) {
    if (!deps.runner.spec(b)) {
      const known = deps.runner.functions().map((f) => f.name).join(', ') || '(none)';
      throw new HttpError(404, `unknown function "${b}" (known: ${known})`, 'NOT_FOUND');
    }
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
      const delayed = deps.delayedTasks.delayed().map((t) => ({ fn: t.fn, at: new Date(t.at).toISOString(), data: t.data.length > 200 ? `${t.data.slice(0, 200)}…` : t.data }));
      return sendJson(res, 200, { now, iso: new Date(now).toISOString(), offsetMs: deps.clock.offset(), upcoming, delayed, delayedFaults: deps.delayedTasks.delayedTaskFaults() });
    }
    if (method === 'POST' && b === 'delayedTasks') {
      const faults = parseDelayedFaults(body);
      deps.delayedTasks.setDelayedTaskFaults(faults);
      return sendJson(res, 200, { ok: true, delayedFaults: faults });
    }
    if (method === 'POST' && b === 'advance') {
      let ms: number;
      if (typeof body.ms === 'number') ms = body.ms;
      else if (typeof body.to === 'string' && Number.isFinite(Date.parse(body.to))) ms = Date.parse(body.to) - deps.clock.now();
      else throw new HttpError(400, 'body needs {"ms": <number>} or {"to": "<ISO date>"}');
      if (!Number.isFinite(ms) || ms < 0) throw new HttpError(400, `cannot move the clock backwards (ms = ${ms})`);
      const r = await deps.advance(ms);
      const now = deps.clock.now();
      const head = { from: r.from, to: r.to, now, iso: new Date(now).toISOString(), coalesced: r.coalesced };
      if (url.searchParams.get('detail') === '1') return sendJson(res, 200, { ...head, fired: r.fired.map(fireSummary) });
      return sendJson(res, 200, { ...head, ...advanceSummary(r) });
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
    if (method === 'POST' && b === 'setting' && c && !parts[3]) {
      // The user flips the main switch of subscription messages (微信 → 设置 → 通知 / the mini program's settings page).
      if (typeof body.mainSwitch !== 'boolean') throw new HttpError(400, 'body needs {"mainSwitch": true | false}');
      deps.wechat.setMainSwitch(c, body.mainSwitch);
      return sendJson(res, 200, deps.wechat.getSetting(c));
    }
    if (method === 'POST' && b === 'reject' && c && parts[3]) {
      try {
        deps.wechat.changeSubscription(c, parts[3]);
      } catch (err) {
        if (err instanceof RangeError) throw new HttpError(404, err.message);
        throw err;
      }
      return sendJson(res, 200, deps.wechat.getSetting(c));
    }
    if (method === 'POST' && b === 'deliveryFailure' && c) {
      const code = body.errorCode;
      if (code !== undefined && (typeof code !== 'number' || !Number.isInteger(code))) throw new HttpError(400, 'errorCode must be an integer');
      const status = typeof body.errorStatus === 'string' ? body.errorStatus.slice(0, 64) : undefined;
      const clear = code === undefined && status === undefined;
      deps.wechat.setDeliveryFailure(c, clear ? null : { ...(code !== undefined && { errorCode: code as number }), ...(status && { errorStatus: status }) });
      return sendJson(res, 200, { openid: c, failing: !clear });
    }
    if (b === 'faults' && !c) {
      if (method === 'GET') return sendJson(res, 200, { faults: deps.wechat.faults() });
      let faults: FaultSpec;
      try {
        faults = parseFaultSpec(body);
      } catch (err) {
        if (err instanceof FaultSpecError) throw new HttpError(400, err.message, 'INVALID_FAULTS');
        throw err;
      }
      deps.wechat.setFaults(faults);
      return sendJson(res, 200, { ok: true, faults });
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
  if (method === 'GET' && a === 'invocations' && !b) {
    const list = filterInvocations(deps.runner.invocations(), url);
    if (url.searchParams.get('detail') !== '1') return sendJson(res, 200, list);
    return sendJson(res, 200, list.map((e) => ({ ...e, detail: deps.runner.detail(e.id) ?? null })));
  }
  if (method === 'GET' && a === 'invocations' && b && !c) {
    const e = deps.runner.entry(b);
    if (!e) throw new HttpError(404, `no invocation "${b}" in the log`, 'NOT_FOUND');
    return sendJson(res, 200, { ...e, detail: deps.runner.detail(b) ?? null });
  }
  throw new HttpError(404, `no endpoint ${method} ${url.pathname} (GET / lists them)`, 'NOT_FOUND');
}
