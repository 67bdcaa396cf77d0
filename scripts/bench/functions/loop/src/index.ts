// Bench baseline (not deployed): the tutorial loop — for each subscriber, read the grant, send, write the grant back,
// one after another, in a timer-triggered function. Event `{ templateId, limit }`; returns how many were sent.
import cloud from 'wx-server-sdk';

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

interface LoopEvent {
  templateId: string;
  limit: number;
  data: Record<string, { value: string }>;
}

export async function main(event: LoopEvent): Promise<{ sent: number; failed: number }> {
  const db = cloud.database();
  const _ = db.command;
  const grants = db.collection('grants');
  const page = (await grants.where({ templateId: event.templateId, remaining: _.gt(0) }).limit(event.limit).get()) as unknown as { data: { _id: string; openid: string }[] };
  let sent = 0;
  let failed = 0;
  for (const g of page.data) {
    const fresh = (await grants.doc(g._id).get()) as unknown as { data: { remaining?: number } | null };
    if (!fresh.data || (fresh.data.remaining ?? 0) <= 0) continue;
    try {
      await cloud.openapi.subscribeMessage.send({ touser: g.openid, templateId: event.templateId, data: event.data, miniprogramState: 'developer' });
      await grants.doc(g._id).update({ data: { remaining: _.inc(-1) } });
      sent += 1;
    } catch {
      failed += 1;
    }
  }
  return { sent, failed };
}
