// Core: the narrow interfaces (ports) core use cases depend on. Adapters implement them on wx-server-sdk;
// unit tests implement them in memory. Times are epoch milliseconds everywhere (stored as numbers).

export interface Clock {
  now(): number;
}

export interface IdSource {
  /** A fresh unique id (adapters: crypto.randomUUID; tests: a counter). */
  next(): string;
}

/** The grant ledger's read side (core/grants). Writes go through core/grants/ledger.ts and holds.ts. */
export interface GrantLedger {
  /** One-time sends left; `Infinity` for an active long-term subscription; 0 when unknown. */
  remaining(openid: string, templateId: string): Promise<number>;
}

/** What WeChat is asked to send (cloud.openapi.subscribeMessage.send, snake/camel converted by the SDK). */
export interface SendRequest {
  touser: string;
  templateId: string;
  page?: string;
  data: Record<string, { value: string }>;
  miniprogramState: 'developer' | 'trial' | 'formal';
  lang: 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW';
}

/** One attempt's raw result, vendor errcodes included; core maps them to outcomes. */
export type SendAttempt =
  | { ok: true; msgid?: string }
  /** `timedOut`: no answer came (a deadline passed, or the connection closed after sending): the ambiguous case. */
  | { ok: false; errCode: number; errMsg: string; timedOut?: boolean };

export interface WechatSender {
  send(request: SendRequest): Promise<SendAttempt>;
}
