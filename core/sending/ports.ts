// Core layer (pure): the ports of the sending pipeline — delivery storage and the dependencies of one send.
import type { ReceiptPort } from './receipts';
import type { Delivery, DeliveryStatus } from '../delivery';
import type { GrantHolds } from '../grants/holds';
import type { Clock, IdSource, SendRequest, WechatSender } from '../ports';
import type { TemplateLookup } from '../template/registry';
import type { RetryPolicy } from './backoff';
import type { SettleDeliveries } from './settle';
import type { OpsStore } from '../dispatch/ops';

/**
 * The daily-quota pause (the dispatcher's state document `ops_state/dispatch`, core/dispatch/ops.ts; adapters/ops.ts):
 * read before an inline send reaches WeChat, and written when an inline send meets the quota error itself.
 */
export type QuotaPauseState = Pick<OpsStore, 'read' | 'pauseForQuota'>;

/** A partial update of a delivery; `null` removes the field (e.g. a stale `reason` once a retry succeeds). */
export type DeliveryPatch = { [K in keyof Delivery]?: Delivery[K] | null } & {
  /** Human-readable detail for operators (validation errors, WeChat's errMsg). Not part of the shared Delivery type. */
  detail?: string | null;
};

export interface DeliveryStore {
  get(id: string): Promise<Delivery | null>;
  /** Creates the document with its deterministic `_id`; resolves false (nothing written) when it already exists. */
  create(delivery: Delivery): Promise<boolean>;
  /** Applies the patch, only while the document's status is `expectStatus` when given; true when a document matched. */
  update(id: string, patch: DeliveryPatch, expectStatus?: DeliveryStatus): Promise<boolean>;
}

/** Inline sends claim, mark and settle their one delivery the way the dispatcher does a batch. */
export interface InlineDeliveryStore extends DeliveryStore, SettleDeliveries {
  /** Sets `sendStartedAt` on those of `ids` still `sending` under `owner`. */
  markStarted(ids: readonly string[], owner: string, now: number): Promise<void>;
}

/**
 * [SUBSETTING] getSetting's `mainSwitch` as the mini program last reported it (subscriptions.syncSettings). WeChat
 * delivers nothing to a user who turned it off ([RSM-W3C] 20004), so sending would only spend a grant.
 */
export interface MainSwitches {
  /** Those of `openids` whose reported main switch is off (unknown = on). One read. */
  off(openids: readonly string[]): Promise<Set<string>>;
}

/** Per-environment send settings, config/tixing.json ([SEND-NEW] §1.2 miniprogram_state, lang). */
export interface SendConfig {
  miniprogramState: SendRequest['miniprogramState'];
  lang: SendRequest['lang'];
  /** IANA zone used when normalising dates (Asia/Shanghai). */
  zone: string;
  /** Openids a test send may reach. */
  testWhitelist: readonly string[];
}

/** Everything an inline send needs besides its delivery store (core/sending/send-now.ts). */
export interface SenderDeps {
  templates: TemplateLookup;
  /** Reservations with hold tokens (core/grants/holds.ts), the same as the dispatcher's. */
  holds: GrantHolds;
  wechat: WechatSender;
  clock: Clock;
  /** Jitter source in [0, 1) (adapters: Math.random; tests: seeded). */
  random: () => number;
  config: SendConfig;
  retryPolicy?: RetryPolicy;
  /** Sent receipts that arrived before the msgid was written are joined once it is (core/sending/receipts.ts). */
  receipts?: ReceiptPort;
  /** Users whose main switch of subscription messages is off: not sent to (skipped `main_switch_off`). */
  switches?: MainSwitches;
  /** While sending is paused for the daily quota, inline sends do not call WeChat (core/sending/send-now.ts). */
  quota?: QuotaPauseState;
  /** Called once per WeChat attempt with the outcome (logging, metrics). */
  onOutcome?: (event: { deliveryId?: string; openid: string; templateId: string; errCode: number | null; reason: string; operator: string }) => void;
}

/** Inline sends, the outbox and test sends also write deliveries and mint ids. */
export interface SendingDeps extends SenderDeps {
  deliveries: InlineDeliveryStore;
  ids: IdSource;
}
