// Adapters: sent receipts (`sent_events`, `_id` = m:<openid>:<msgid>) and their join to `deliveries` on
// cloud.database() — the ReceiptPort of core/sending/receipts.ts. Every write is scoped to the receipt's own openid.
import type { Receipt, ReceiptPort } from '../../core/sending/receipts';
import { db, type Doc } from '../db';
import { orIfMissing } from '../db-errors';

const RECEIPTS = 'sent_events';
const DELIVERIES = 'deliveries';
const SEND_LOG = 'send_log';
/** Ids per `in` query (the SDK's default page is 100, [GET-DOC]). */
const PAGE = 100;

export const receiptId = (openid: string, msgid: string): string => `m:${openid}:${msgid}`;

export function createReceiptPort(): ReceiptPort {
  const coll = (name: string) => db().collection(name);
  return {
    async save(r) {
      // One document per (openid, msgid): a replayed push rewrites the same one, and a push naming one user can only
      // ever write that user's own receipt, whatever MsgID it carries.
      const id = r.msgid ? receiptId(r.openid, r.msgid) : `m:${r.openid}:${r.templateId}:${r.at}`;
      const { msgid, openid, templateId, errorCode, errorStatus, at } = r;
      await coll(RECEIPTS).doc(id).set({ data: { msgid, openid, templateId, errorCode, errorStatus, at, joined: false } });
    },
    async findDelivery(openid, msgid) {
      // Inline sends keep the msgid on the delivery; the dispatcher keeps it in its send log (one document per 2 s of a run's sends).
      const own = await orIfMissing(() => coll(DELIVERIES).where({ openid, msgid }).field({ _id: true }).limit(1).get(), { data: [] as Doc[] });
      if (own.data[0]) return String(own.data[0]._id);
      const logs = await orIfMissing(
        () => coll(SEND_LOG).where({ 'items.openid': openid, 'items.msgid': msgid }).limit(10).get(),
        { data: [] as Doc[] },
      );
      for (const l of logs.data) {
        const items = Array.isArray(l.items) ? (l.items as { deliveryId?: unknown; openid?: unknown; msgid?: unknown }[]) : [];
        const hit = items.find((i) => i.openid === openid && String(i.msgid) === msgid);
        if (hit && typeof hit.deliveryId === 'string') return hit.deliveryId;
      }
      return null;
    },
    async markDelivery(deliveryId, openid, fields) {
      // Conditional on the owner: a delivery of another user is never touched.
      const res = await coll(DELIVERIES).where({ _id: deliveryId, openid }).update({ data: { ...fields } });
      if (res.stats.updated > 0) return true;
      // Already marked with the same values (a replay) counts as joined.
      const d = (await coll(DELIVERIES).doc(deliveryId).get()).data;
      return !!d && d.openid === openid && d.receipt === fields.receipt && d.receiptErrorCode === fields.receiptErrorCode;
    },
    async markJoined(r, deliveryId) {
      await coll(RECEIPTS).doc(receiptId(r.openid, r.msgid)).update({ data: { joined: true, deliveryId } });
    },
    async waiting(refs) {
      const _ = db().command;
      const out: Receipt[] = [];
      for (let i = 0; i < refs.length; i += PAGE) {
        const ids = refs.slice(i, i + PAGE).map((s) => receiptId(s.openid, s.msgid));
        const res = await orIfMissing(() => coll(RECEIPTS).where({ _id: _.in(ids), joined: false }).limit(PAGE).get(), { data: [] as Doc[] });
        for (const d of res.data) {
          out.push({
            msgid: String(d.msgid),
            openid: String(d.openid),
            templateId: String(d.templateId),
            errorCode: Number(d.errorCode),
            errorStatus: String(d.errorStatus ?? ''),
            at: Number(d.at),
          });
        }
      }
      return out;
    },
  };
}
