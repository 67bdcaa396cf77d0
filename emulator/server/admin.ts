// Emulator server: `POST /admin`, the CloudBase endpoint the unmodified wx-server-sdk talks to (docs/platform-facts.md
// §8.1-§8.3): database.* → DatabaseService, functions.invokeFunction → runner, storage.* → StorageService,
// wx.openApi (multipart) → WeChat simulator.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AdminError, AdminRequestContext, ConnectionReset, Clock, DatabaseService, Logger, WechatSimulator } from '../contracts';
import { answerBody } from '../db';
import type { Runner } from '../runner';
import type { StorageService } from '../storage';
import { ENV_ID } from '../runner/env';
import { JSON_TYPE, readBody, sendBuffer, sendJson, str } from './http';
import { MultipartError, parseMultipart } from './multipart';

export interface AdminDeps {
  clock: Clock;
  /** A request wrote to the database or called WeChat (the console refreshes). */
  onChange?: () => void;
  runner: Runner;
  db: DatabaseService;
  wechat: WechatSimulator;
  storage: StorageService;
  log: Logger;
}

/**
 * TCB codes wx-server-sdk maps (TCB_ERR_CODE): INVALID_PARAM → -501007, FUNCTIONS_* → -50400x, SYS_ERR → -501001;
 * INVALID_ACTION (as emulator/db answers unknown database actions) and FUNCTION_NOT_FOUND are unmapped → -501001
 * with our message.
 */
const INVALID_PARAM = 'INVALID_PARAM';

/** Answers that are part of normal operation, not printed (still recorded on the invocation). */
const QUIET_CODES = new Set(['DATABASE_COLLECTION_ALREADY_EXIST']);

export async function handleAdmin(deps: AdminDeps, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const requestId = randomUUID();
  const invocationId = url.searchParams.get('inv') ?? undefined;
  const body = await readBody(req);
  // Attribute and count first: a test kill stops the worker right after its n-th request arrives, unanswered.
  if (deps.runner.noteRequest(invocationId).kill) {
    res.destroy();
    return;
  }
  const t0 = performance.now();
  const at = deps.clock.now();
  const written = { count: 0 };
  let action = '';
  let collection: string | undefined;
  let api: string | undefined;
  const record = (error?: string) => {
    if (written.count > 0 || action === 'wx.openApi') deps.onChange?.();
    deps.runner.recordRequest(invocationId, {
      at,
      action: action || '(unknown)',
      ...(collection ? { collection } : {}),
      ...(api ? { api } : {}),
      changed: written.count,
      ms: Math.round((performance.now() - t0) * 10) / 10,
      ...(error ? { error } : {}),
    });
  };
  const fail = (code: string, message: string) => {
    record(code);
    // "Create if missing" (setup on an existing database) answers this by design: an answer, not a problem.
    if (!QUIET_CODES.has(code)) deps.log(`  /admin ${code}: ${message}${invocationId ? ` (invocation ${invocationId})` : ''}`);
    sendJson(res, 200, { code, message, requestId });
  };
  try {
    const contentType = req.headers['content-type'] ?? '';
    const baseCtx = {
      invocationId,
      envName: url.searchParams.get('env') ?? ENV_ID,
      source: str(req.headers['x-tcb-source']),
      requestId,
    };
    if (contentType.startsWith('multipart/form-data')) {
      const form = parseMultipart(body, contentType);
      const field = (k: string) => form.get(k)?.data.toString('utf8');
      const ctx: AdminRequestContext = { ...baseCtx, envName: field('envName') ?? baseCtx.envName, wxCloudApiToken: field('wxCloudApiToken') || undefined };
      action = field('action') ?? '';
      if (action !== 'wx.openApi') return fail(INVALID_PARAM, `unsupported multipart action "${action}" in the local emulator (only wx.openApi)`);
      const apiName = field('apiName');
      api = apiName;
      const requestData = form.get('requestData')?.data;
      if (!apiName || !requestData) return fail(INVALID_PARAM, 'wx.openApi needs apiName and requestData');
      const invocation = invocationId ? deps.runner.info(invocationId) : undefined;
      const out = await deps.wechat.handleOpenApi({ apiName, requestData, wxCloudApiToken: ctx.wxCloudApiToken }, { ...ctx, invocation });
      record();
      return sendBuffer(res, out);
    }
    let params: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
      params = parsed as Record<string, unknown>;
    } catch {
      return fail(INVALID_PARAM, 'malformed /admin body (expected a JSON object)');
    }
    action = str(params.action) ?? '';
    collection = str(params.collectionName);
    const ctx: AdminRequestContext = {
      ...baseCtx,
      envName: str(params.envName) ?? baseCtx.envName,
      wxCloudApiToken: str(params.wxCloudApiToken) || undefined,
      written,
    };
    if (action.startsWith('database.')) {
      // answerBody: most actions answer under `data`; startTransaction answers at the top level.
      const answer = answerBody(requestId, await deps.db.handle(params, ctx));
      record();
      return sendJson(res, 200, answer);
    }
    if (action === 'functions.invokeFunction') {
      api = str(params.function_name);
      return await invokeFunction(deps, params, ctx, res, fail, () => record());
    }
    if (action.startsWith('storage.')) {
      const data = await deps.storage.handle(params);
      record();
      return sendJson(res, 200, { requestId, data });
    }
    return fail(
      'INVALID_ACTION',
      `unsupported action "${action}" in the local emulator (supported: database.*, functions.invokeFunction, storage.*, wx.openApi)`,
    );
  } catch (err) {
    if (err instanceof AdminError) return fail(err.code, err.message);
    if (err instanceof ConnectionReset) {
      record('RESET');
      res.destroy();
      return;
    }
    if (err instanceof MultipartError) return fail(INVALID_PARAM, `malformed multipart body: ${err.message}`);
    const e = err as Error;
    deps.log(`  /admin internal error: ${e.stack ?? e.message}`);
    // The stack and the engine's message stay in the log; the function gets a stable message.
    return fail('SYS_ERR', 'local emulator error (see the emulator log)');
  }
}

async function invokeFunction(
  deps: AdminDeps,
  params: Record<string, unknown>,
  ctx: AdminRequestContext,
  res: ServerResponse,
  fail: (code: string, message: string) => void,
  done: () => void,
): Promise<void> {
  const fn = str(params.function_name);
  if (!fn) return fail(INVALID_PARAM, 'functions.invokeFunction needs function_name');
  let event: unknown = {};
  const raw = str(params.request_data);
  if (raw) {
    try {
      event = JSON.parse(raw);
    } catch {
      return fail(INVALID_PARAM, 'request_data is not JSON');
    }
  }
  // [WXCTX] function-to-function: SOURCE chained (wx_client,scf), caller's OPENID kept, and [CB-WXTOKEN] no token.
  const r = await deps.runner.invoke({ fn, kind: 'scf', event, parentId: ctx.invocationId });
  if (r.ok) {
    // node-sdk functions/index.ts: result = JSON.parse(res.data.response_data).
    done();
    return sendJson(res, 200, { requestId: ctx.requestId, data: { response_data: JSON.stringify(r.result ?? null) } });
  }
  const e = r.error ?? { code: 'FUNCTION_ERROR', message: 'unknown failure' };
  // CloudBase answers FUNCTION_NOT_FOUND for a function the environment does not have (wx-server-sdk's table lacks
  // the code: errCode -501001 with this message); a function that exists but was not built is the emulator's own case.
  if (e.code === 'NOT_FOUND') return fail('FUNCTION_NOT_FOUND', `[ResourceNotFound.Function] ${e.message}`);
  if (e.code === 'NOT_BUILT') return fail('FUNCTIONS_REQUEST_FAIL', `[ResourceNotFound.Function] ${e.message}`);
  return fail('FUNCTIONS_EXECUTE_FAIL', `${e.code === 'FUNCTION_ERROR' ? 'Error: ' : `${e.code}: `}${e.message}`);
}

export { JSON_TYPE };
