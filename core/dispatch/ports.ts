// Core (dispatch): the ports the dispatcher depends on. Adapters implement them on cloud.database()
// (adapters/stores/queue.ts, queue-campaigns.ts, grants.ts); every method is one database round trip unless its
// comment says otherwise.
import type { Campaign, CampaignCounters, Segment } from '../campaigns/model';
import type { UserProfile } from '../campaigns/variables';
import type { Delivery, DeliveryWrite } from '../delivery';
import type { GrantHolds } from '../grants/holds';
import type { Clock, SendRequest, WechatSender } from '../ports';
import type { MainSwitches } from '../sending/ports';
import type { ReceiptPort } from '../sending/receipts';
import type { SettleDeliveries } from '../sending/settle';
import type { TemplateLookup } from '../template/registry';
import type { DispatchConfig } from './config';
import type { AlertSink, AppRules, OpsStore } from './ops';
import type { ArmWake, WakeStore } from './wake';

export type CounterName = Exclude<keyof CampaignCounters, 'opened'>;
export type CounterInc = Partial<Record<CounterName, number>>;

export interface CampaignQueue {
  /** `scheduled` with sendAt ≤ now → `running` (one conditional multi-update: two runs promote once). */
  promoteDue(now: number): Promise<number>;
  running(): Promise<Campaign[]>;
  /**
   * The campaign's lease (conditional update): one run at a time expands the campaign or, once its audience is
   * expanded, folds its exact counters to complete it.
   */
  acquireLease(id: string, owner: string, now: number, until: number): Promise<boolean>;
  releaseLease(id: string, owner: string): Promise<void>;
  /** Cursor + counters.targeted, only while `running` and leased by `owner` (the expanding run). */
  advanceCursor(id: string, owner: string, cursor: { after: string | null; done: boolean }, targeted: number, now: number): Promise<boolean>;
  /** Adds to the campaign's counters, unless it is completed (its counters are exact then). */
  bumpCounters(id: string, inc: CounterInc, now: number): Promise<void>;
  /** Whether a delivery of the campaign is still `pending` or `sending` (one read of at most one document, not a count). */
  hasOpen(id: string): Promise<boolean>;
  /** Whether a delivery of the campaign is overdue since `before`: pending and due then, or sending since then. */
  hasOverdue(id: string, before: number): Promise<boolean>;
  /** Exact counters folded from the deliveries (one aggregation). */
  exactCounters(id: string): Promise<Record<CounterName, number>>;
  /** running (cursor done) → completed, counters replaced by the exact ones. */
  complete(id: string, counters: Record<CounterName, number>, now: number): Promise<boolean>;
  /** running → quarantined (47003 / 45168 / a banned or deleted template). */
  quarantine(id: string, reason: string, now: number): Promise<boolean>;
  /** One campaign document (a series, when an occurrence is promoted). */
  get(id: string): Promise<Campaign | null>;
  /** Creates the document unless one with its `_id` exists; resolves true when this call created it. */
  insertIfAbsent(c: Campaign): Promise<boolean>;
  /** Conditional update on the current status (as CampaignStore.updateIf). */
  updateIf(id: string, from: readonly Campaign['status'][], set: Partial<Campaign>): Promise<boolean>;
  /**
   * Daily budget: reserves up to `n` sends of local day `day` without going over `max` (a new day starts at 0);
   * conditional writes, so concurrent runs never reserve more than `max` together. Resolves how many it reserved.
   */
  reserveBudget(id: string, day: string, n: number, max: number): Promise<number>;
  /** The earliest `sendAt` of a `scheduled` campaign (for the wake state). */
  nextScheduled(): Promise<number | undefined>;
}

export interface AudienceSource {
  /** Openids holding a usable grant of the template (remaining > 0, or long-term active), > after, ascending. */
  page(templateId: string, after: string | null, limit: number): Promise<string[]>;
  /** Profiles (`users`, with `tz`) of these openids; with a segment only the matching ones are returned. */
  profiles(openids: readonly string[], segment?: Segment): Promise<Map<string, UserProfile>>;
}

/** A campaign delivery that counts against a user's frequency cap: sent or possibly sent, or in flight. */
export interface CampaignLoad {
  _id: string;
  openid: string;
  status: 'sent' | 'unknown' | 'sending';
  /** sentAt (sent), updatedAt (unknown), claimedAt (sending). */
  at: number;
}

export interface DeliveryQueue extends SettleDeliveries {
  /** Creates the deliveries not yet there (deterministic ids); resolves how many it created. 1–3 round trips. */
  createMissing(docs: readonly Delivery[]): Promise<number>;
  /**
   * Due `pending` deliveries of the given campaigns, or (null) of every non-campaign source (reminders, outbox).
   * `slot` (campaigns only): only deliveries of that queue slot (core/dispatch/slots.ts).
   */
  candidates(now: number, campaignIds: readonly string[] | null, limit: number, slot?: number): Promise<Delivery[]>;
  /** pending → sending for those still pending and due; resolves how many it claimed. */
  claim(ids: readonly string[], c: { runId: string; token: string; now: number; leaseUntil: number }): Promise<number>;
  /** The deliveries a claim token holds (read back after a partial claim). */
  claimed(token: string): Promise<Delivery[]>;
  markStarted(ids: readonly string[], runId: string, now: number): Promise<void>;
  /** `sending` deliveries whose lease ended before `now`. */
  expired(now: number, limit: number): Promise<Delivery[]>;
  /** Applies `w` to those of `ids` still `sending` with an ended lease (two recoverers never both apply). */
  settleExpired(ids: readonly string[], now: number, w: DeliveryWrite): Promise<number>;
  /** Final deliveries still marked `holdOpen` since before `before` (a run died between settlement steps). */
  openHolds(before: number, limit: number): Promise<Delivery[]>;
  /**
   * Campaign deliveries to these openids that count against a frequency cap: sent or unknown since `since`, and every
   * one in flight (`sending`, whatever its age: a dead run's send may have arrived until recovery says otherwise).
   */
  campaignLoad(openids: readonly string[], since: number): Promise<CampaignLoad[]>;
  /**
   * When the earliest `pending` delivery is due (its `nextAttemptAt`, never before `dueAt`): of every non-campaign
   * source (null), or of these campaigns.
   */
  nextPending(campaignIds: readonly string[] | null): Promise<number | undefined>;
  /** The earliest lease end of a `sending` delivery. */
  nextLeaseEnd(): Promise<number | undefined>;
  /** The oldest `updatedAt` of a final delivery still marked `holdOpen`. */
  oldestOpenHold(): Promise<number | undefined>;
  /** msgids of one flush (one document), for joining `subscribe_msg_sent_event` later. */
  logSends(runId: string, items: { deliveryId: string; openid: string; templateId: string; msgid: string }[], now: number): Promise<void>;
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
  templates: Pick<TemplateLookup, 'list'>;
  wechat: WechatSender;
  /** Sent receipts that arrived before a flush wrote their msgids are joined after it (core/sending/receipts.ts). */
  receipts?: ReceiptPort;
  /** Main switches reported off: those users are skipped `main_switch_off` before any grant is reserved. */
  switches?: MainSwitches;
  /** The "next work" state (core/dispatch/wake.ts). */
  wake: WakeStore;
  /** Arms a delayed run of `dispatch` ([DELAYED]); absent where no cloud call can be made. */
  arm?: ArmWake;
  config: DispatchConfig;
  /** App-wide rules (config/tixing.json `rules`): quiet hours and a frequency cap over all campaigns, deferring. */
  rules?: AppRules;
  /** The one state document: quota pause, alert retries (one read per run). */
  ops?: OpsStore;
  /** Alerts (config/tixing.json `alerts`): told once per cause. */
  alerts?: AlertSink;
  send: { miniprogramState: SendRequest['miniprogramState']; lang: SendRequest['lang'] };
  log(line: string): void;
}
