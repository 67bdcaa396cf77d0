// Core (dispatch): the ports the dispatcher depends on. Adapters implement them on cloud.database()
// (adapters/stores/queue*.ts); every method is one database round trip unless its comment says otherwise.
import type { Campaign, CampaignCounters } from '../campaigns/model';
import type { UserProfile } from '../campaigns/variables';
import type { Delivery } from '../delivery';
import type { Clock, SendRequest, WechatSender } from '../ports';
import type { TemplateDoc } from '../template/registry';
import type { DispatchConfig } from './config';

/** A delivery as the queue stores it: the shared Delivery plus the dispatcher's claim bookkeeping. */
/** The dispatcher works on plain deliveries (claim fields are part of core/delivery.ts). */
export type QueueDelivery = Delivery;

/** What the dispatcher reads of a `grants` document (issue 3's GrantDoc plus `holds`). */
export interface GrantState {
  _id: string;
  kind: 'one-time' | 'long-term';
  remaining: number;
  active: boolean;
  holds?: string[];
}

/** A delivery update: `set` fields, `inc` counters, `unset` fields. */
export interface DeliveryWrite {
  set: Record<string, unknown>;
  inc?: Record<string, number>;
  unset?: string[];
}

export type CounterName = Exclude<keyof CampaignCounters, 'opened'>;
export type CounterInc = Partial<Record<CounterName, number>>;

export interface CampaignQueue {
  /** `scheduled` with sendAt ≤ now → `running` (one conditional multi-update: two runs promote once). */
  promoteDue(now: number): Promise<number>;
  running(): Promise<Campaign[]>;
  /** Expansion lease on the campaign (conditional update): one run expands a campaign at a time. */
  acquireExpansion(id: string, owner: string, now: number, until: number): Promise<boolean>;
  releaseExpansion(id: string, owner: string): Promise<void>;
  /** Cursor + counters.targeted, only while `running` and leased by `owner`. */
  advanceCursor(id: string, owner: string, cursor: { after: string | null; done: boolean }, targeted: number, now: number): Promise<boolean>;
  bumpCounters(id: string, inc: CounterInc, now: number): Promise<void>;
  /** Deliveries of the campaign still `pending` or `sending`. */
  openCount(id: string): Promise<number>;
  /** Exact counters folded from the deliveries (one aggregation). */
  exactCounters(id: string): Promise<Record<CounterName, number>>;
  /** running (cursor done) → completed, counters replaced by the exact ones. */
  complete(id: string, counters: Record<CounterName, number>, now: number): Promise<boolean>;
  /** running → quarantined (47003 / 45168 / a banned or deleted template). */
  quarantine(id: string, reason: string, now: number): Promise<boolean>;
}

export interface AudienceSource {
  /** Openids holding a usable grant of the template (remaining > 0, or long-term active), > after, ascending. */
  page(templateId: string, after: string | null, limit: number): Promise<string[]>;
  /** Profiles (`users`) of these openids; with a segment only the matching ones are returned. */
  profiles(openids: readonly string[], segment?: { tags?: string[]; attributes?: Record<string, string | number | boolean> }): Promise<Map<string, UserProfile>>;
}

export interface DeliveryQueue {
  /** Creates the deliveries not yet there (deterministic ids); resolves how many it created. 1–3 round trips. */
  createMissing(docs: readonly Delivery[]): Promise<number>;
  /** Due `pending` deliveries of the given campaigns, or (null) of every non-campaign source (reminders, outbox). */
  candidates(now: number, campaignIds: readonly string[] | null, limit: number): Promise<QueueDelivery[]>;
  /** pending → sending for those still pending and due; resolves how many it claimed. */
  claim(ids: readonly string[], c: { runId: string; token: string; now: number; leaseUntil: number }): Promise<number>;
  /** The deliveries a claim token holds (read back after a partial claim). */
  claimed(token: string): Promise<QueueDelivery[]>;
  markStarted(ids: readonly string[], runId: string, now: number): Promise<void>;
  /** Applies `w` to those of `ids` still `sending` under `runId`; resolves how many. */
  write(ids: readonly string[], runId: string, w: DeliveryWrite): Promise<number>;
  /** `sending` deliveries whose lease ended before `now`. */
  expired(now: number, limit: number): Promise<QueueDelivery[]>;
  /** Applies `w` to those of `ids` still `sending` with an ended lease (two recoverers never both apply). */
  settleExpired(ids: readonly string[], now: number, w: DeliveryWrite): Promise<number>;
  /** Campaign deliveries to these openids sent (or possibly sent) since `since`: the frequency cap's input. */
  recentCampaignSends(openids: readonly string[], since: number): Promise<{ _id: string; openid: string; at: number }[]>;
  /** msgids of one flush (one document), for joining `subscribe_msg_sent_event` later. */
  logSends(runId: string, items: { deliveryId: string; openid: string; templateId: string; msgid: string }[], now: number): Promise<void>;
}

export interface GrantHolds {
  /** one-time grants with remaining > 0: remaining − 1 and push `token` onto holds. Resolves how many. */
  reserve(ids: readonly string[], token: string, now: number): Promise<number>;
  read(ids: readonly string[]): Promise<GrantState[]>;
  /** Grants still holding `token`: remaining + 1 and pull the token (so a refund never applies twice). */
  refund(ids: readonly string[], token: string, now: number): Promise<number>;
  /** remaining → 0 (43101), pulling `token`; goes through the grant ledger (consent log). */
  zero(openid: string, templateId: string, token: string | undefined, reason: string): Promise<void>;
}

export interface DispatchDeps {
  clock: Clock;
  /** Jitter in [0, 1). */
  random: () => number;
  sleep(ms: number): Promise<void>;
  runId: string;
  campaigns: CampaignQueue;
  audience: AudienceSource;
  deliveries: DeliveryQueue;
  grants: GrantHolds;
  /** The template registry (one list per run). */
  templates: { list(): Promise<TemplateDoc[]> };
  wechat: WechatSender;
  config: DispatchConfig;
  send: { miniprogramState: SendRequest['miniprogramState']; lang: SendRequest['lang'] };
  log(line: string): void;
}
