// Emulator runner: the process environment SCF gives a cloud function, per invocation kind (see
// docs/platform-facts.md §8.3/§8.4). wx-server-sdk reads identity and tokens from these variables only.

export const ENV_ID = 'tixing-local';
export const APP_ID = 'wx0000000000000000';
export const REGION = 'ap-shanghai';

/** Fake credentials: the SDK signs requests but the emulator never checks; missing ones crash it ([NODESDK-SRC] §8.1). */
export const FAKE_CREDENTIALS = {
  TENCENTCLOUD_SECRETID: 'AKIDlocalfake',
  TENCENTCLOUD_SECRETKEY: 'localfakesecretkey',
  TENCENTCLOUD_SESSIONTOKEN: 'localfakesessiontoken',
} as const;

/** `push`: WeChat's message push delivering an event to the function configured for it (emulator/push.ts). */
export type InvocationKind = 'client' | 'timer' | 'scf' | 'push';

/**
 * getWXContext().SOURCE of a message-push invocation. The documented SOURCE table names no value for pushes
 * ([WXCTX], **NOT FOUND**); `wx_unknown` ("微信未知来源调用") is this emulator's GUESS. Tixing's push function does not
 * depend on it: it refuses the sources a user can start (core/grants/push.ts pushOrigin), whatever WeChat uses.
 */
export const PUSH_SOURCE = 'wx_unknown';
/** The mini program's original id (`gh_…`): `ToUserName` of every push ([SUBMSG-GUIDE-COPY] "小程序帐号ID"). */
export const ORIGINAL_ID = 'gh_tixinglocal0';

export interface EnvInput {
  kind: InvocationKind;
  port: number;
  invocationId?: string;
  /** getWXContext().SOURCE: wx_client | wx_trigger | wx_client,scf … */
  source: string;
  openid?: string;
  appid?: string;
  /** Whether the invocation carries a cloud-call token (mini program / timer: yes; function-to-function: no). */
  withToken: boolean;
  /** The environment id the function runs in (default ENV_ID); getWXContext().ENV reads it ([SDK-SRC] §8.4). */
  envId?: string;
}

/** The admin URL a function (or script) is pointed at; `inv` attributes each /admin request to its invocation. */
export function adminUrl(port: number, invocationId?: string): string {
  // The SDK appends `env=…&seqId=…` directly when the URL already contains '?' ([NODESDK-SRC] §8.3).
  return invocationId === undefined
    ? `http://127.0.0.1:${port}/admin`
    : `http://127.0.0.1:${port}/admin?inv=${encodeURIComponent(invocationId)}&`;
}

/** Variables every SCF container has (no identity). Also what a plain Node script needs to use the real SDK. */
export function baseEnv(port: number, invocationId?: string, envId: string = ENV_ID): Record<string, string> {
  return {
    // [NODESDK-SRC] §8.3 RUNENV=SCF: no metadata probes, plain-http internal endpoint, X-TCB-Source ",scf".
    TENCENTCLOUD_RUNENV: 'SCF',
    TENCENTCLOUD_REGION: REGION,
    ...FAKE_CREDENTIALS,
    TCB_ENV: envId,
    SCF_NAMESPACE: envId,
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: adminUrl(port, invocationId) }),
    // node-sdk 2.0.2–2.4.x (inside wx-server-sdk 2.2/2.3) reads TCB_CONTEXT_CNFG only when this list names it; later
    // versions read it directly. Without it they go to tcb-admin.tencentyun.com (ENOTFOUND).
    TCB_CONTEXT_KEYS: CONTEXT_KEYS_BASE,
  };
}

const CONTEXT_KEYS_BASE = 'TCB_ENV,TCB_CONTEXT_CNFG';

/** The full environment of one invocation. */
export function invocationEnv(input: EnvInput): Record<string, string> {
  const env = baseEnv(input.port, input.invocationId, input.envId);
  // [NODESDK-SRC] §8.4 node-sdk reads TCB_SOURCE only when listed in TCB_CONTEXT_KEYS (and node-sdk 2.x reads
  // TCB_CONTEXT_CNFG only when listed there); it reads WX_API_TOKEN only when listed in WX_CONTEXT_KEYS
  // (getWXContext() blacklists it, so it never shows up there).
  env.TCB_CONTEXT_KEYS = 'TCB_ENV,TCB_SEQID,TCB_SOURCE,TCB_CONTEXT_CNFG';
  env.TCB_SOURCE = input.source;
  env.TCB_SEQID = input.invocationId ?? '';
  env.WX_CONTEXT_KEYS = 'WX_OPENID,WX_APPID,WX_UNIONID,WX_CLIENTIP,WX_CLIENTIPV6,WX_API_TOKEN';
  if (input.openid !== undefined) {
    // [WXCTX] OPENID/APPID only when the call comes (directly or through a parent) from the mini program.
    env.WX_OPENID = input.openid;
    env.WX_APPID = input.appid ?? APP_ID;
    env.WX_UNIONID = '';
  }
  // [WXCTX] CLIENTIP is the mini program client's address: only calls made by the client have one.
  if (input.kind === 'client') env.WX_CLIENTIP = '127.0.0.1';
  const token = `local-${input.kind}-token-${input.invocationId ?? 'script'}`;
  if (input.withToken && input.kind === 'timer') {
    // [NODESDK-TOKEN] timer runs: TRIGGER_SRC=timer and the SDK uses WX_TRIGGER_API_TOKEN_V0.
    env.TRIGGER_SRC = 'timer';
    env.WX_TRIGGER_API_TOKEN_V0 = token;
  } else if (input.kind === 'timer') {
    env.TRIGGER_SRC = 'timer';
  } else if (input.withToken) {
    env.WX_API_TOKEN = token;
  }
  // [CB-WXTOKEN] function-to-function calls get no token at all: cloud calls fail with "missing wxCloudApiToken".
  return env;
}

/** Minimal host variables a worker keeps (never the developer's own TCB_/WX_ variables). */
export function hostEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'LANG', 'TMPDIR'];
  const out: Record<string, string> = {};
  for (const k of keep) {
    const v = process.env[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** Node options that load code into a process before its entry point (module loaders, preloads). */
const PRELOAD_FLAGS = new Set(['--require', '-r', '--import', '--loader', '--experimental-loader']);

/**
 * The host's Node options a worker keeps: all but module loaders and preloads. A cloud function's container runs
 * plain Node; the host running the emulator under a TypeScript loader (tsx for `npm start`) must not make every
 * function load through it — that doubled each cold start (the loader hooks every `require` of the bundle).
 */
export function workerExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i] as string;
    const flag = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    if (PRELOAD_FLAGS.has(flag)) {
      if (!a.includes('=')) i += 1; // its value is the next item
      continue;
    }
    out.push(a);
  }
  return out;
}
