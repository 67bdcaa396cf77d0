// Test support (unit): in-memory ports for the campaign use cases, a fixed clock and the demo templates
// (config/templates.json, through test/support/templates.ts).
import type { Campaign, CampaignStatus } from '../../core/campaigns/model';
import type { AudienceCounts, CampaignDeps, DeliveryGroup, TemplateInfo, TestSendResult } from '../../core/campaigns/ports';
import type { UserProfile } from '../../core/campaigns/variables';
import { DECLARED } from '../support/templates';

/** 2026-11-20 12:00 in Asia/Shanghai (04:00Z). */
export const NOW = Date.UTC(2026, 10, 20, 4, 0);

/** A template of config/templates.json as the campaigns use cases see it (core/campaigns/ports.ts TemplateInfo). */
export function demoTemplate(templateId: string): TemplateInfo | null {
  return DECLARED.find((d) => d._id === templateId) ?? null;
}

export const GOOD_EVENT_DATA = { thing1: '周末读书会', time2: '2026-11-21 09:00', thing3: '图书馆三楼', thing4: '{{nickname}}，记得带书' };

export interface Fakes {
  deps: CampaignDeps;
  docs: Map<string, Campaign>;
  groups: DeliveryGroup[];
  cancelled: string[];
  sent: { openid: string; data: Record<string, string> }[];
  setNow(ms: number): void;
}

export function makeFakes(): Fakes {
  let now = NOW;
  let seq = 0;
  const docs = new Map<string, Campaign>();
  const groups: DeliveryGroup[] = [];
  const cancelled: string[] = [];
  const sent: Fakes['sent'] = [];
  const users = new Map<string, UserProfile>([['o-admin', { _id: 'o-admin', nickname: '管理员小王' }]]);
  const audience: AudienceCounts = { reachable: 2, noGrant: 1, capped: 0, total: 3, held: 0 };
  const deps: CampaignDeps = {
    clock: { now: () => now },
    ids: { next: () => `c${++seq}` },
    templates: { get: async (id) => demoTemplate(id) },
    campaigns: {
      insert: async (c) => void docs.set(c._id, structuredClone(c)),
      get: async (id) => structuredClone(docs.get(id) ?? null),
      updateIf: async (id, from, set, unset = []) => {
        const c = docs.get(id);
        if (!c || !from.includes(c.status)) return false;
        Object.assign(c, structuredClone(set));
        for (const k of unset) delete (c as unknown as Record<string, unknown>)[k];
        return true;
      },
      list: async (limit, status?: CampaignStatus) =>
        [...docs.values()].filter((c) => !status || c.status === status).sort((a, b) => b.updatedAt - a.updatedAt).slice(0, limit),
      insertIfAbsent: async (c) => (docs.has(c._id) ? false : (docs.set(c._id, structuredClone(c)), true)),
      occurrences: async (seriesId, limit) =>
        [...docs.values()].filter((c) => c.occurrence?.seriesId === seriesId).sort((a, b) => (b.sendAt ?? 0) - (a.sendAt ?? 0)).slice(0, limit),
    },
    deliveries: {
      groups: async () => groups,
      opened: async () => 4,
      cancelPending: async (id) => {
        cancelled.push(id);
        return 7;
      },
    },
    analytics: {
      groups: async () => groups,
      receipts: async () => ({ delivered: 0, failed: 0 }),
      opened: async () => 4,
      sendsPerQuarter: async () => [],
      placements: async () => [],
    },
    audience: { count: async () => audience },
    users: { get: async (openid) => users.get(openid) ?? null },
    testSender: {
      send: async (r): Promise<TestSendResult> => {
        sent.push({ openid: r.openid, data: r.data });
        return { openid: r.openid, outcome: 'sent', deliveryId: `test:${r.sourceId}:${r.openid}` };
      },
    },
    config: { zone: 'Asia/Shanghai', miniprogramState: 'developer', lang: 'zh_CN', testWhitelist: ['o-admin', 'o-dev'], pages: ['pages/index/index', 'pages/events/events'] },
  };
  return { deps, docs, groups, cancelled, sent, setNow: (ms) => void (now = ms) };
}

export const ADMIN = { openid: 'o-admin', source: 'wx_client' };
