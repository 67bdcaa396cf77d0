// Test support (unit): in-memory fakes of the sending ports — ledger, WeChat sender, delivery store — and a
// fixed clock / seeded random, so the pipeline runs without the SDK.
import type { Delivery, DeliveryStatus } from '../../core/delivery';
import type { GrantLedger, SendAttempt, SendRequest, WechatSender } from '../../core/ports';
import type { DeliveryPatch, DeliveryStore, SendingDeps } from '../../core/sending/ports';
import { createRegistry, declaredTemplates, type TemplateDoc, type TemplateStore, type WechatTemplate } from '../../core/template/registry';
import templatesConfig from '../../config/templates.json';

export const T0 = Date.UTC(2025, 0, 15, 2, 0, 0); // 2025-01-15 10:00 in Asia/Shanghai

export function fixedClock(start = T0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

/** Deterministic [0,1) sequence (mulberry32). */
export function seededRandom(seed = 42): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class MemoryLedger implements GrantLedger {
  readonly counts = new Map<string, number>();
  readonly log: string[] = [];
  private k = (o: string, t: string) => `${o}|${t}`;
  set(openid: string, templateId: string, n: number): void {
    this.counts.set(this.k(openid, templateId), n);
  }
  async remaining(openid: string, templateId: string) {
    return this.counts.get(this.k(openid, templateId)) ?? 0;
  }
  async reserve(openid: string, templateId: string) {
    const n = await this.remaining(openid, templateId);
    if (n <= 0) return false;
    this.counts.set(this.k(openid, templateId), n - 1);
    this.log.push(`reserve ${openid} ${templateId}`);
    return true;
  }
  async refund(openid: string, templateId: string) {
    this.counts.set(this.k(openid, templateId), (await this.remaining(openid, templateId)) + 1);
    this.log.push(`refund ${openid} ${templateId}`);
  }
  async zero(openid: string, templateId: string, reason: string) {
    this.counts.set(this.k(openid, templateId), 0);
    this.log.push(`zero ${openid} ${templateId} ${reason}`);
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

export class MemoryDeliveries implements DeliveryStore {
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

export const DECLARED = declaredTemplates(templatesConfig as { templates: WechatTemplate[] });
export const template = (id: string): TemplateDoc => {
  const t = DECLARED.find((d) => d._id === id);
  if (!t) throw new Error(`no template ${id}`);
  return t;
};

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
    ledger,
    wechat,
    deliveries,
    clock,
    ids: { next: () => `id${++n}` },
    random: seededRandom(),
    config: { miniprogramState: 'developer', lang: 'zh_CN', zone: 'Asia/Shanghai', testWhitelist: ['o-dev', 'o-admin'] },
  };
  return { deps, clock, ledger, wechat, deliveries, store };
}
