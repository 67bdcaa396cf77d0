// Bench baseline (not deployed): the competent parallel loop — what a skilled developer writes in an afternoon.
// Pages of 100 grants read by cursor (openid order, `openid > last`: no skip), the page's sends at once with
// Promise.all (a page holds each user once, so one send in flight per user), then the page's results written in
// one batch: the sent users' grants decremented in one conditional multi-update. It stops at its own time budget
// and answers where it stopped, so a timer run can carry on. Event `{ templateId, data, after?, budgetMs? }`.
import cloud from 'wx-server-sdk';

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

interface ParallelEvent {
  templateId: string;
  data: Record<string, { value: string }>;
  after?: string | null;
  budgetMs?: number;
}

const PAGE = 100;

export async function main(event: ParallelEvent): Promise<{ sent: number; failed: number; pages: number; after: string | null; done: boolean }> {
  const db = cloud.database();
  const _ = db.command;
  const grants = db.collection('grants');
  const until = Date.now() + (event.budgetMs ?? 800_000);
  let after = event.after ?? null;
  let sent = 0;
  let failed = 0;
  let pages = 0;
  while (Date.now() < until) {
    const where = { templateId: event.templateId, remaining: _.gt(0), ...(after === null ? {} : { openid: _.gt(after) }) };
    const page = (await grants.where(where).orderBy('openid', 'asc').limit(PAGE).field({ openid: true }).get()) as unknown as { data: { _id: string; openid: string }[] };
    if (!page.data.length) return { sent, failed, pages, after, done: true };
    pages += 1;
    const results = await Promise.all(page.data.map(async (g) => {
      try {
        await cloud.openapi.subscribeMessage.send({ touser: g.openid, templateId: event.templateId, data: event.data, miniprogramState: 'developer' });
        return g._id;
      } catch {
        return null;
      }
    }));
    const ok = results.filter((id): id is string => id !== null);
    sent += ok.length;
    failed += results.length - ok.length;
    if (ok.length) await grants.where({ _id: _.in(ok), remaining: _.gt(0) }).update({ data: { remaining: _.inc(-1) } });
    after = page.data[page.data.length - 1]!.openid;
  }
  return { sent, failed, pages, after, done: false };
}
