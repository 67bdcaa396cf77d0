// Emulator layer: the contracts between the emulator's parts (HTTP server, database, WeChat simulator, runner).
// Each part is built against these types so the parts can be developed and tested on their own.

/** Who sent an /admin request: parsed from the request by the server. */
export interface AdminRequestContext {
  /** Invocation id from the `?inv=<id>&` query the runner puts into TCB_CONTEXT_CNFG.URL (absent for plain scripts). */
  invocationId?: string;
  envName: string;
  /** `wxCloudApiToken` body field. Empty/absent = no cloud-call token (function-to-function call, plain script). */
  wxCloudApiToken?: string;
  /** Raw `x-tcb-source` header. */
  source?: string;
  requestId: string;
  /** Filled by the database service: documents this request wrote (inserted, updated, removed; a commit's writes). */
  written?: { count: number };
}

/**
 * An error answered in CloudBase's shape: HTTP 200, body `{ code, message, requestId }`.
 * wx-server-sdk maps known codes (TCB_ERR_CODE) to its own errCode (e.g. DATABASE_COLLECTION_NOT_EXIST → -502005).
 */
export class AdminError extends Error {
  constructor(
    public readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AdminError';
  }
}

/**
 * Fault injection (FaultSpec.resetRate): the request was processed, and the server closes the connection without an
 * answer. The SDK sees "socket hang up" (-501001).
 */
export class ConnectionReset extends Error {
  constructor() {
    super('connection reset by fault injection');
    this.name = 'ConnectionReset';
  }
}

/** Handles one `/admin` action whose answer is JSON: resolves to the `data` field of `{ requestId, data }`. */
export type JsonActionHandler = (params: Record<string, unknown>, ctx: AdminRequestContext) => Promise<unknown>;

/** The emulator's clock: virtual time = real time + offset, so time can be advanced but keeps flowing. */
export interface Clock {
  now(): number;
  /** Milliseconds the virtual clock is ahead of the real one (workers apply it to their global Date). */
  offset(): number;
  advance(ms: number): void;
  set(epochMs: number): void;
}

/** A simple event log line (function, caller, duration, outcome) or any other line the emulator prints. */
export type Logger = (line: string) => void;

/** What the runner knows about the invocation an /admin request came from (resolved by the server from `inv`). */
export interface InvocationInfo {
  id: string;
  fn: string;
  /** getWXContext().SOURCE of the invocation, e.g. `wx_client`, `wx_trigger`, `wx_client,scf`. */
  source: string;
  openid?: string;
  /** `permissions.openapi` from the function's config.json. */
  openapiPermissions: readonly string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Database service (emulator/db): every `database.*` action of wx-server-sdk 4.x.

/** Index declarations, the shape of config/indexes.json `collections`. */
export interface IndexSpec {
  name: string;
  unique: boolean;
  keys: { name: string; direction: '1' | '-1' | '2dsphere' }[];
}
export type IndexConfig = Record<string, IndexSpec[]>;

export interface DatabaseServiceOptions {
  clock: Clock;
  /** Keep collections on disk across restarts (atomic writes); in memory when absent. */
  dataDir?: string;
  indexes?: IndexConfig;
  log?: Logger;
}

export type Doc = Record<string, unknown>;

export interface DatabaseService {
  /** Handles one `database.*` action; throws AdminError for CloudBase-shaped errors. */
  handle: JsonActionHandler;
  /** The action names handled (e.g. `database.getDocument`). */
  readonly actions: readonly string[];
  // Direct access for tests and the programmatic API (plain JS values: Dates as Date).
  collections(): string[];
  createCollection(name: string): void;
  find(collection: string, query?: Doc): Doc[];
  insert(collection: string, docs: Doc[]): void;
  /** Replace (or create) the document with this `_id` (unique indexes checked). */
  replace(collection: string, doc: Doc): void;
  /** Remove the document with this `_id`; false when there was none. */
  remove(collection: string, id: unknown): boolean;
  /** The declared indexes (config/indexes.json `collections`). */
  indexes(): IndexConfig;
  exportSnapshot(): { collections: Record<string, Doc[]> };
  importSnapshot(snapshot: { collections: Record<string, Doc[]> }): void;
  /** Drop every collection (and its data on disk). */
  reset(): void;
  /**
   * Requests since start (for benchmarks: database round trips): in all, per action, per "action collection", and
   * the slowest ones (real milliseconds from the handler's start to its answer, slowest first).
   */
  stats(): { requests: number; byAction: Record<string, number>; byTarget: Record<string, number>; slowest: SlowRequest[] };
  close(): Promise<void>;
}

/** One database request that took long to answer (the emulator's slow-request record). */
export interface SlowRequest {
  action: string;
  collection: string;
  /** Real milliseconds from the handler's start to its answer (waits for a transaction's lock included). */
  ms: number;
  /** The start of the request's query or filter, as sent (at most 120 characters). */
  query: string;
  /** Real wall-clock time the request started (ISO). */
  at: string;
}

// ---------------------------------------------------------------------------------------------------------------
// WeChat simulator (emulator/wechat): `wx.openApi` and the simulated WeChat client.

export interface LatencySpec {
  /** Fixed latency in ms, or uniform in [min, max]. */
  fixedMs?: number;
  minMs?: number;
  maxMs?: number;
}
export interface FaultSpec {
  /** Probability in [0,1] that an openapi call answers errcode -1 (system error). */
  systemErrorRate?: number;
  latency?: LatencySpec;
  /** Probability in [0,1] that a send hangs until the SDK times out (the ambiguous case). */
  timeoutRate?: number;
  /**
   * Probability in [0,1] that a send is processed (delivered if it passed) and then the connection is closed without
   * an answer: the SDK throws -501001 "socket hang up" (the other ambiguous case).
   */
  resetRate?: number;
  /**
   * WeChat's daily API quota: subscribeMessage.send accepts this many calls per Beijing day, then answers 45009
   * "reach max api daily quota limit" until midnight Beijing time (0 = already used up today).
   */
  dailySendQuota?: number;
  /**
   * The environment's request quota: this many cloud calls per Beijing day, then the gateway refuses with -501003
   * (EXCEED_REQUEST_LIMIT) until midnight Beijing time.
   */
  envRequestQuota?: number;
}

/**
 * A WeChat message push (JSON mode) as the configured receiver gets it ([PUSH-CLOUDFN] [SUBMSG-GUIDE-COPY]):
 * `List` is one object for one item and an array for several ([WXJAVA-PR] [COMM-CHANGE]).
 */
export interface PushMessage {
  ToUserName: string;
  FromUserName: string;
  /** Seconds, as a string like the documented JSON sample. */
  CreateTime: string;
  MsgType: 'event';
  Event: 'subscribe_msg_popup_event' | 'subscribe_msg_change_event' | 'subscribe_msg_sent_event';
  List: Record<string, string> | Record<string, string>[];
}

export interface WechatSimulatorOptions {
  clock: Clock;
  /**
   * Where WeChat's message pushes go (the emulator routes them to the function configured in
   * config/message-push.json). Resolves when the push has been handled (or queued, in manual mode).
   */
  push?: (msg: PushMessage) => Promise<void>;
  /** Path of the mini program's app.json (pages checked for `page`, 41030). */
  appJsonPath: string;
  /** Seed with the account's private templates, default emulator/seed/wechat.json. */
  seedPath?: string;
  faults?: FaultSpec;
  /** Random source for fault injection (tests pass a seeded one). */
  random?: () => number;
  log?: Logger;
  /**
   * cloudbase.addDelayedFunctionTask accepted a task: run `fn` with `data` (the JSON string the caller gave) at
   * virtual time `at`. The emulator wires this to its timers; without it the call answers a system error.
   */
  delayedTask?: (task: DelayedTask) => void;
  /** The environment id this emulator runs as (`--env`): the only `env` a delayed task may name. */
  envId?: string;
}

/** A delayed function run requested through cloudbase.addDelayedFunctionTask ([DELAYED]). */
export interface DelayedTask {
  fn: string;
  /** The caller's `data` (a JSON string). */
  data: string;
  /** Virtual time it is due. */
  at: number;
}

/** The multipart fields of a `wx.openApi` request (parsed by the server). */
export interface OpenApiRequest {
  apiName: string;
  /** Protobuf `CommApiData` bytes as sent by wx-server-sdk. */
  requestData: Buffer;
  wxCloudApiToken?: string;
}

export interface InboxItem {
  msgid: string;
  templateId: string;
  title: string;
  page?: string;
  data: Record<string, { value: string }>;
  /** The card as the user reads it: title line, keyword lines from `content`, "进入小程序查看". */
  rendered: string;
  at: number;
  miniprogramState?: string;
  lang?: string;
}

export interface ClientSubscribeRequest {
  openid: string;
  tmplIds: string[];
  /** What the simulated user taps, per template id: accept | reject (default accept). */
  choices?: Record<string, string>;
  /** Simulated settings: "always keep" ticked, main switch. */
  alwaysKeep?: boolean;
  /** The popup's scene for the push (0 = a mini program page, the default). */
  popupScene?: number;
}
export type ClientSubscribeResult =
  | { ok: true; result: Record<string, string> & { errMsg: string } }
  | { ok: false; error: { errCode: number; errMsg: string } };

export interface WechatUserSummary {
  openid: string;
  mainSwitch: boolean;
  /** One-time templates: remaining sends. */
  quota: Record<string, number>;
  /** Long-term templates: subscribed or not. */
  longTerm: Record<string, boolean>;
  /** "Always keep this choice" settings. */
  itemSettings: Record<string, string>;
  inbox: number;
}

export interface WechatSimulator {
  /** Answers `wx.openApi`: resolves to protobuf `CommOpenApiResp` bytes, or throws AdminError (TCB-level error). */
  handleOpenApi(req: OpenApiRequest, ctx: AdminRequestContext & { invocation?: InvocationInfo }): Promise<Buffer>;
  /** What `wx.requestSubscribeMessage` does for that user (≤ 3 ids, never mixing one-time/long-term, +1 quota per accept). */
  requestSubscribeMessage(req: ClientSubscribeRequest): ClientSubscribeResult;
  /** What `wx.getSetting({ withSubscriptions: true })` returns for that user. */
  getSetting(openid: string): { mainSwitch: boolean; itemSettings: Record<string, string> };
  setMainSwitch(openid: string, on: boolean): void;
  inbox(openid: string): InboxItem[];
  /** WeChat's own one-time quota for (openid, template): separate from anything the project stores. */
  quota(openid: string, templateId: string): number;
  setQuota(openid: string, templateId: string, n: number): void;
  setFaults(faults: FaultSpec): void;
  /** The fault injection in force. */
  faults(): FaultSpec;
  /** Every user WeChat knows (asked, was sent to, or had settings changed), with what WeChat keeps for them. */
  users(): WechatUserSummary[];
  /** Account policy: 43107 bans (client `ban` / 20005), 45168 sensitive words. */
  setPolicy(p: Partial<{ sensitiveWords: string[]; bannedTemplates: string[]; accountBanned: boolean }>): void;
  /** Answers still held back by latency or a simulated timeout. */
  pendingAnswers(): number;
  templates(): { priTmplId: string; title: string; content: string; type: number }[];
  stats(): { sends: number; delivered: number; byErrCode: Record<string, number> };
  /** The user sets a template to 拒收 (service-notification card menu / settings): pushes a change event. */
  changeSubscription(openid: string, templateId: string): void;
  /** Accepted sends to this user fail after acceptance (sent push with a non-zero ErrorCode); null = deliver again. */
  setDeliveryFailure(openid: string, failure: Partial<{ errorCode: number; errorStatus: string }> | null): void;
  /** `before-answer`: the sent push reaches the push function before the sender gets the send's answer. */
  setSentPushTiming(timing: 'after-answer' | 'before-answer'): void;
  reset(): void;
}
