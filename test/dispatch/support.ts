// Test support (dispatch): seed audiences straight into the emulator (grants + WeChat's own quota), campaigns and
// reminders, run the timer, and check the invariants every dispatch test shares.
import type { Emulator } from '../support/emulator';
import type { Campaign } from '../../core/campaigns/model';
import type { Delivery } from '../../core/delivery';
import { newGrantDoc } from '../../core/grants/model';
import indexes from '../../config/indexes.json';

export const TPL = 'TPL_EVENT_REMINDER';
export const TPL_LONG = 'TPL_SERVICE_NOTICE';
export const DATA = { thing1: '周末读书会', time2: '2026-05-02 09:00', thing3: '图书馆', thing4: '请准时到场' };

export function createCollections(emu: Emulator): void {
  for (const name of [...Object.keys(indexes.collections), 'send_log']) {
    if (!emu.db.collections().includes(name)) emu.db.createCollection(name);
  }
}

export const openidOf = (i: number): string => `o-u${String(i).padStart(6, '0')}`;

/** n users with a one-time grant of `quota` sends, both in the ledger and on WeChat's side. */
export function seedAudience(emu: Emulator, n: number, opts: { templateId?: string; quota?: number; from?: number } = {}): string[] {
  const templateId = opts.templateId ?? TPL;
  const quota = opts.quota ?? 1;
  const now = emu.now();
  const openids = Array.from({ length: n }, (_, i) => openidOf((opts.from ?? 0) + i));
  const longTerm = templateId === TPL_LONG;
  emu.db.insert(
    'grants',
    openids.map((o) => ({
      ...newGrantDoc(o, templateId, longTerm ? 'long-term' : 'one-time', now),
      remaining: longTerm ? 0 : quota,
      active: longTerm && quota > 0,
      granted: quota,
      lastResult: 'accept',
    })),
  );
  for (const o of openids) emu.wechat.setQuota(o, templateId, quota);
  return openids;
}

let seq = 0;
export function seedCampaign(emu: Emulator, patch: Partial<Campaign> = {}): Campaign {
  const now = emu.now();
  const c: Campaign = {
    _id: `c${++seq}${now.toString(36)}`,
    name: 'test campaign',
    templateId: TPL,
    data: DATA,
    page: 'pages/events/events',
    audience: { kind: 'all' },
    sendAt: now - 1000,
    zone: 'Asia/Shanghai',
    miniprogramState: 'developer',
    lang: 'zh_CN',
    status: 'scheduled',
    counters: { targeted: 0, sent: 0, skipped: 0, failed: 0, unknown: 0, opened: 0 },
    createdBy: 'o-admin',
    createdAt: now,
    updatedAt: now,
    ...patch,
  };
  emu.db.insert('campaigns', [c as unknown as Record<string, unknown>]);
  return c;
}

export function campaignOf(emu: Emulator, id: string): Campaign {
  return emu.db.find('campaigns', { _id: id })[0] as unknown as Campaign;
}

export function deliveriesOf(emu: Emulator, sourceId: string): Delivery[] {
  return emu.db.find('deliveries', { sourceId }) as unknown as Delivery[];
}

/** Fires the dispatch timer `runs` times at once; resolves the invocation results. */
export async function dispatchRuns(emu: Emulator, runs = 1, opts: { killAfterRequests?: number; killAfterMs?: number } = {}) {
  const fired = await Promise.all(Array.from({ length: runs }, () => emu.trigger('dispatch', opts)));
  return fired.map((f) => f.invocation);
}

/** Runs the timer until no delivery of `sourceId` is pending/sending (moving the clock past retry backoffs). */
export async function drain(emu: Emulator, sourceId: string, maxRuns = 40, stepMs = 120_000): Promise<number> {
  for (let i = 0; i < maxRuns; i++) {
    const [r] = await dispatchRuns(emu);
    if (!r?.ok) throw new Error(`dispatch run failed: ${JSON.stringify(r?.error)}`);
    const open = deliveriesOf(emu, sourceId).filter((d) => d.status === 'pending' || d.status === 'sending');
    const c = campaignOf(emu, sourceId);
    if (!open.length && (!c || c.status !== 'running' || c.cursor?.done)) {
      if (!c || c.status !== 'running') return i + 1;
    }
    emu.clock.advance(stepMs);
  }
  throw new Error(`not drained after ${maxRuns} runs`);
}

/** Ledger `remaining` of (openid, template) as the grants collection holds it. */
export function ledger(emu: Emulator, openid: string, templateId = TPL): number {
  const g = emu.db.find('grants', { _id: `g:${openid}:${templateId}` })[0] as { remaining?: number } | undefined;
  return g?.remaining ?? 0;
}
