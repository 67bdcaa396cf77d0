// Test support (mini program): start the emulator in a child process (emulator-child.ts) and drive it over its HTTP
// endpoints (emulator/server/routes.ts) from a jsdom test file; `bridgeWx` points the fake `wx` at it.
import { spawn, type ChildProcess } from 'child_process';
import * as http from 'http';
import * as path from 'path';
import { gesture, type WxMock } from './wx-mock';

type Obj = Record<string, any>;

export interface EmulatorHttp {
  readonly url: string;
  readonly pid: number;
  /** POST /call/<fn> as `openid`: the function's return value (the envelope). Rejects when the invocation failed. */
  call<T = Obj>(fn: string, openid: string, data?: Obj): Promise<T>;
  /** POST /wx/requestSubscribeMessage: the simulated WeChat client's answer. */
  requestSubscribe(openid: string, tmplIds: string[], choices: Record<string, string>): Promise<Obj>;
  setting(openid: string): Promise<{ mainSwitch: boolean; itemSettings: Record<string, string> }>;
  inbox(openid: string): Promise<Obj[]>;
  quota(openid: string, tmplId: string): Promise<number>;
  /** The virtual clock (epoch ms). */
  now(): Promise<number>;
  advance(ms: number): Promise<Obj>;
  trigger(fn: string): Promise<Obj>;
  /** GET /snapshot: every collection's documents (relaxed Extended JSON). */
  collections(): Promise<Record<string, Obj[]>>;
  stop(): Promise<void>;
}

function request(base: string, method: 'GET' | 'POST', route: string, body?: unknown): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(new URL(route, base), {
      method, headers: payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {},
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null });
        } catch {
          resolve({ status: res.statusCode ?? 0, body: text });
        }
      });
    });
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/** Spawns the emulator child (virtual clock starting at `startAt`) and resolves once it prints its URL. */
export async function startEmulatorChild(startAt = Date.now(), timeoutMs = 60_000): Promise<EmulatorHttp> {
  const script = path.join(__dirname, 'emulator-child.ts');
  const child: ChildProcess = spawn(process.execPath, [require.resolve('tsx/cli'), script], {
    env: { ...process.env, TIXING_START_AT: String(startAt) }, stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => { stderr += c.toString(); });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`emulator child did not start in ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"url"'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`emulator child exited (${code}): ${stderr}`)); });
  });
  const pid = child.pid!;
  const ok = async (method: 'GET' | 'POST', route: string, body?: unknown) => {
    const r = await request(url, method, route, body);
    if (r.status !== 200) throw new Error(`${method} ${route} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  return {
    url,
    pid,
    call: (fn, openid, data = {}) => ok('POST', `/call/${encodeURIComponent(fn)}`, { openid, data }),
    requestSubscribe: (openid, tmplIds, choices) => ok('POST', '/wx/requestSubscribeMessage', { openid, tmplIds, choices }),
    setting: (openid) => ok('GET', `/wx/setting/${encodeURIComponent(openid)}`),
    inbox: (openid) => ok('GET', `/wx/inbox/${encodeURIComponent(openid)}`),
    quota: async (openid, tmplId) => (await ok('GET', `/wx/quota/${encodeURIComponent(openid)}/${encodeURIComponent(tmplId)}`)).quota,
    now: async () => (await ok('GET', '/clock')).now,
    advance: (ms) => ok('POST', '/clock/advance', { ms }),
    trigger: (fn) => ok('POST', `/trigger/${encodeURIComponent(fn)}`),
    collections: async () => (await ok('GET', '/snapshot')).collections,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      process.kill(pid, 'SIGTERM'); // only the child this helper started, by its pid
    }),
  };
}

/** Who the simulated user is, and what they answer in the subscribe dialog (per template). */
export interface SimUser { openid: string; choices: Record<string, string> }

/**
 * Routes the fake `wx` to the emulator as `user.openid`: wx.cloud.callFunction → POST /call/<fn> (the envelope
 * becomes `res.result`), wx.requestSubscribeMessage → the simulated client with `user.choices` (still tap-only,
 * [RSM-MD]), wx.getSetting({ withSubscriptions }) → the simulated client's settings.
 */
export function bridgeWx(wx: WxMock, emu: EmulatorHttp, user: SimUser): { name: string; action: string; result: Obj }[] {
  const results: { name: string; action: string; result: Obj }[] = [];
  for (const fn of ['subscriptions', 'reminders', 'track', 'templates', 'campaigns']) {
    wx.handlers[fn] = async (data) => {
      const result = await emu.call(fn, user.openid, data);
      results.push({ name: fn, action: String(data['action']), result });
      return result;
    };
  }
  type Cb = { tmplIds: string[]; success?: (r: Obj) => void; fail?: (e: Obj) => void; complete?: (r: Obj) => void };
  wx.requestSubscribeMessage.mockImplementation((opts: Cb) => {
    if (!gesture.active) {
      const err = { errMsg: 'requestSubscribeMessage:fail can only be invoked by user TAP gesture.' };
      void Promise.resolve().then(() => { opts.fail?.(err); opts.complete?.(err); });
      return;
    }
    void emu.requestSubscribe(user.openid, opts.tmplIds, user.choices).then((r) => {
      if (r['ok']) { opts.success?.(r['result']); opts.complete?.(r['result']); } else { opts.fail?.(r['error']); opts.complete?.(r['error']); }
    });
  });
  wx.getSetting.mockImplementation((opts: { withSubscriptions?: boolean; success?: (r: Obj) => void; complete?: (r: Obj) => void }) => {
    void emu.setting(user.openid).then((s) => {
      const res = { errMsg: 'getSetting:ok', authSetting: {}, ...(opts.withSubscriptions ? { subscriptionsSetting: s } : {}) };
      opts.success?.(res);
      opts.complete?.(res);
    });
  });
  return results;
}
