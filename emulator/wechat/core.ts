// Emulator layer (WeChat simulator): shared state and helpers the API handlers work on.
import type { Clock, Logger } from '../contracts';
import { APP_ID } from '../runner/env';
import type { SecCheckRule } from './apis';
import type { PrivateTemplate, PublicTemplate, WechatSeed } from './seed';
import { InFlight, UserStore } from './state';

/** A WeChat JSON answer (the body inside CommOpenApiResp.respData). */
export type WxBody = { errcode: number; errmsg: string } & Record<string, unknown>;

export interface AccountPolicy {
  /** [SEND-NEW-MIRROR] 45168 "命中敏感词": values containing any of these are refused. */
  sensitiveWords: string[];
  /** [SEND-NEW-MIRROR] 43107 "订阅消息能力封禁": these templates are banned. */
  bannedTemplates: Set<string>;
  /** 43107 for every template (the account's subscription-message ability is banned); client: 20005. */
  accountBanned: boolean;
  /** security.msgSecCheck: deterministic keyword rules (risky before review). */
  secCheckRules: SecCheckRule[];
}

export class SimCore {
  readonly users = new UserStore();
  readonly inflight = new InFlight();
  templates = new Map<string, PrivateTemplate>();
  publicTemplates: PublicTemplate[] = [];
  categories: { id: number; name: string }[] = [];
  policy!: AccountPolicy;
  private seq = 0;
  private added = 0;

  constructor(
    readonly clock: Clock,
    readonly seed: WechatSeed,
    readonly appJsonPath: string,
    readonly log: Logger = () => undefined,
  ) {
    this.restoreSeed();
  }

  /** Back to the seed: templates, public library, policy. Users are cleared separately. */
  restoreSeed(): void {
    this.templates = new Map(this.seed.templates.map((t) => [t.priTmplId, structuredClone(t)]));
    this.publicTemplates = structuredClone(this.seed.publicTemplates);
    this.categories = structuredClone(this.seed.categories);
    this.policy = {
      sensitiveWords: [...this.seed.sensitiveWords],
      bannedTemplates: new Set(this.seed.bannedTemplates),
      accountBanned: this.seed.accountBanned,
      secCheckRules: structuredClone(this.seed.secCheckRules),
    };
  }

  /** The mini program's appid (what its codes point at). */
  readonly appid = APP_ID;

  /** Content-security trace ids: 32 hex characters, deterministic. */
  nextTraceId(): string {
    this.seq += 1;
    return `${Math.floor(this.clock.now() / 1000).toString(16).padStart(8, '0')}${this.seq.toString(16).padStart(24, '0')}`;
  }

  ok(extra: Record<string, unknown> = {}): WxBody {
    return { errcode: 0, errmsg: 'ok', ...extra };
  }

  /** WeChat error bodies carry a request id suffix, e.g. "invalid openid rid: 5fd8d0bd-670661c9-132104e9". */
  fail(errcode: number, msg: string): WxBody {
    this.seq += 1;
    const t = Math.floor(this.clock.now() / 1000).toString(16).padStart(8, '0');
    const rid = `${t}-${this.seq.toString(16).padStart(8, '0')}-0000cafe`;
    return { errcode, errmsg: `${msg} rid: ${rid}` };
  }

  /**
   * Message ids: 15-digit decimal strings, monotonic. Sent as a JSON number; wx-server-sdk parses answers with
   * json-bigint, which turns numbers of more than 15 digits into BigNumber objects, so 15 digits stay plain numbers.
   * (Real msgids may be longer: callers should String() whatever comes back.)
   */
  nextMsgid(): string {
    this.seq += 1;
    return String(100_000_000_000_000 + this.seq);
  }

  /** Ids for templates created by addTemplate: 43 characters like real priTmplIds, deterministic. */
  nextTemplateId(tid: number): string {
    this.added += 1;
    const base = Buffer.from(`tixing-emulator-${tid}-${this.added}`).toString('base64url');
    return (base + 'Tx'.repeat(22)).slice(0, 43);
  }
}
