// Bench baseline (not deployed): the ceiling — sends and nothing else (no database, no bookkeeping), `concurrency`
// at a time, to the bench audience's openids `o-b<from>` … `o-b<from + count - 1>`. Several of these running at once
// show the most messages per second any sender can get through the emulator with the real SDK on this machine.
// Event `{ templateId, data, from, count, concurrency }`.
import cloud from 'wx-server-sdk';

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

interface SendOnlyEvent {
  templateId: string;
  data: Record<string, { value: string }>;
  from: number;
  count: number;
  concurrency: number;
}

export async function main(event: SendOnlyEvent): Promise<{ sent: number; failed: number }> {
  let next = event.from;
  const end = event.from + event.count;
  let sent = 0;
  let failed = 0;
  await Promise.all(Array.from({ length: event.concurrency }, async () => {
    while (next < end) {
      const touser = `o-b${String(next++).padStart(7, '0')}`;
      try {
        await cloud.openapi.subscribeMessage.send({ touser, templateId: event.templateId, data: event.data, miniprogramState: 'developer' });
        sent += 1;
      } catch {
        failed += 1;
      }
    }
  }));
  return { sent, failed };
}
