// Test support (unit): in-memory fakes of the sending ports — grants (the real ledger core), WeChat sender, delivery store — and a
// fixed clock / seeded random (test/support/random.ts), so the pipeline runs without the SDK.
import type { Delivery, DeliveryStatus, DeliveryWrite } from '../../core/delivery';
import { createGrantHolds, type GrantHolds } from '../../core/grants/holds';
import { createLedgerCore } from '../../core/grants/ledger';
import { grantId, newGrantDoc } from '../../core/grants/model';
import type { GrantLedger, SendAttempt, SendRequest, WechatSender } from '../../core/ports';
import type { DeliveryPatch, InlineDeliveryStore, SendingDeps } from '../../core/sending/ports';
import { memoryGrantStore } from '../grants/memory';
import { createRegistry, type TemplateDoc, type TemplateStore } from '../../core/template/registry';
import { seededRandom } from '../support/random';
import { DECLARED } from '../support/templates';

export const T0 = Date.UTC(2025, 0, 15, 2, 0, 0); // 2025-01-15 10:00 in Asia/Shanghai

export function fixedClock(start = T0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

/**
 * The grant ledger in memory: the real core (ledger.ts + holds.ts) over an in-memory store with the database's
 * per-document atomicity (test/grants/memory.ts). `log` lists the grant operations in order.
 */
export class MemoryLedger implements GrantLedger {
  readonly store = memoryGrantStore();
  readonly log: string[] = [];
  private readonly core = createLedgerCore(this.store, { now: () => T0 }, (k) => grantId(k.openid, k.templateId));
  readonly holds: GrantHolds;
  constructor() {
    const inner = createGrantHolds({ store: this.store, ledger: this.core, consent: { append: async () => undefined }, clock: { now: () => T0 } });
    const logged = <A extends unknown[], R>(name: string, f: (...a: A) => Promise<R>) => async (...a: A) => {
      const r = await f(...a);
      this.log.push(`${name} ${JSON.stringify(a)} → ${JSON.stringify(r)}`);
      return r;
    };
    this.holds = { ...inner, reserve: logged('reserve', inner.reserve), refund: logged('refund', inner.refund), consume: logged('consume', inner.consume), zero: logged('zero', inner.zero) };
  }
  /** The user has `n` one-time sends of the template (or, with a long-term template, an active subscription). */
  set(openid: string, templateId: string, n: number, kind: 'one-time' | 'long-term' = 'one-time'): void {
    const doc = newGrantDoc(openid, templateId, kind, T0);
    this.store.docs.set(doc._id, { ...doc, remaining: kind === 'one-time' ? n : 0, active: kind === 'long-term' && n > 0 });
  }
  async remaining(openid: string, templateId: string) {
    return this.core.remaining({ openid, templateId, kind: 'one-time' });
  }
  /** Unsettled holds on the grant (every reservation must end settled). */
  held(openid: string, templateId: string): string[] {
    return this.store.docs.get(grantId(openid, templateId))?.holds ?? [];
  }
}

/** Answers each send with the next scripted attempt (default: ok). */
export class ScriptedSender implements WechatSender {
  readonly requests: SendRequest[] = [];
  constructor(private readonly script: (SendAttempt | Error)[] = []) {}
  async send(request: SendRequest): Promise<SendAttempt> {
    this.requests.push(request);
    const next = this.script.shift() ?? { ok: true, msgid: `msg-${this.requests.length}` };
    if (next instanceof Error) throw next;
    return next;
  }
}

export const wxError = (errCode: number, errMsg = `errcode ${errCode}`): SendAttempt => ({ ok: false, errCode, errMsg });

export class MemoryDeliveries implements InlineDeliveryStore {
  readonly docs = new Map<string, Record<string, unknown>>();
  async get(id: string) {
    return (this.docs.get(id) as Delivery | undefined) ?? null;
  }
  async create(d: Delivery) {
    if (this.docs.has(d._id)) return false;
    this.docs.set(d._id, { ...d });
    return true;
  }
  async update(id: string, patch: DeliveryPatch, expect?: DeliveryStatus) {
    const doc = this.docs.get(id);
    if (!doc || (expect && doc.status !== expect)) return false;
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete doc[k];
      else if (v !== undefined) doc[k] = v;
    }
    return true;
  }
  private owned(ids: readonly string[], owner: string) {
    return ids.flatMap((id) => {
      const doc = this.docs.get(id);
      return doc && doc.status === 'sending' && doc.leaseOwner === owner ? [doc] : [];
    });
  }
  async markStarted(ids: readonly string[], owner: string, now: number) {
    for (const doc of this.owned(ids, owner)) doc.sendStartedAt = now;
  }
  async write(ids: readonly string[], owner: string, w: DeliveryWrite) {
    const docs = this.owned(ids, owner);
    for (const doc of docs) {
      Object.assign(doc, w.set);
      for (const [k, n] of Object.entries(w.inc ?? {})) doc[k] = ((doc[k] as number | undefined) ?? 0) + n;
      for (const k of w.unset ?? []) delete doc[k];
    }
    return docs.length;
  }
  async closeHolds(ids: readonly string[]) {
    let n = 0;
    for (const id of ids) {
      const doc = this.docs.get(id);
      if (!doc?.holdOpen) continue;
      delete doc.holdOpen;
      delete doc.claimToken;
      n++;
    }
    return n;
  }
}

export class MemoryTemplateStore implements TemplateStore {
  readonly docs = new Map<string, TemplateDoc>();
  async list() {
    return [...this.docs.values()];
  }
  async get(id: string) {
    return this.docs.get(id) ?? null;
  }
  async put(doc: TemplateDoc) {
    this.docs.set(doc._id, doc);
  }
  async remove(id: string) {
    this.docs.delete(id);
  }
}


export const EVENT_DATA = { thing1: '周末读书会', time2: '2025年1月18日 15:00', thing3: '图书馆三楼', thing4: '请提前10分钟到场' };

export function makeDeps(script: (SendAttempt | Error)[] = []) {
  const clock = fixedClock();
  const ledger = new MemoryLedger();
  const wechat = new ScriptedSender(script);
  const deliveries = new MemoryDeliveries();
  const store = new MemoryTemplateStore();
  let n = 0;
  const deps: SendingDeps = {
    templates: createRegistry(store, DECLARED),
    holds: ledger.holds,
    wechat,
    deliveries,
    clock,
    ids: { next: () => `id${++n}` },
    random: seededRandom(),
    config: { miniprogramState: 'developer', lang: 'zh_CN', zone: 'Asia/Shanghai', testWhitelist: ['o-dev', 'o-admin'] },
  };
  return { deps, clock, ledger, wechat, deliveries, store };
}
