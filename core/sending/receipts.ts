// Core (pure): sent receipts — WeChat's `subscribe_msg_sent_event` ([COMM-ASYNC] an accepted send is only accepted;
// the result comes later by push) joined to the delivery that carries the same msgid and openid. The push may arrive
// before the sender has written the msgid (the send's answer and the push race), so a receipt is stored first and
// joined by whichever side comes second: the push handler (msgid already written) or the writer of the msgid (a
// receipt already waiting). Both steps are idempotent; a receipt only ever marks its own user's delivery.
import type { Delivery } from '../delivery';

export type ReceiptOutcome = NonNullable<Delivery['receipt']>;

export interface Receipt {
  msgid: string;
  openid: string;
  templateId: string;
  /** [SUBMSG-GUIDE-COPY] 0 = delivered; anything else = failed after WeChat accepted the send. */
  errorCode: number;
  errorStatus: string;
  /** When WeChat says it happened (CreateTime), epoch ms. */
  at: number;
}

/** A delivery that now has a msgid: the pair a waiting receipt is looked up by. */
export interface SentRef {
  deliveryId: string;
  openid: string;
  msgid: string;
}

export interface ReceiptPort {
  /** Stores the receipt under `m:<openid>:<msgid>` (a replay rewrites the same document, of the same user). */
  save(r: Receipt): Promise<void>;
  /** The delivery of this user that carries this msgid (on the delivery, or in the dispatcher's send log), or null. */
  findDelivery(openid: string, msgid: string): Promise<string | null>;
  /** Sets the receipt fields on the delivery `deliveryId` only if it belongs to `openid`; true when it did. */
  markDelivery(deliveryId: string, openid: string, fields: Pick<Delivery, 'receipt' | 'receiptAt' | 'receiptErrorCode'>): Promise<boolean>;
  /** Records on the receipt which delivery it joined. */
  markJoined(r: Pick<Receipt, 'openid' | 'msgid'>, deliveryId: string): Promise<void>;
  /** Receipts not joined yet among these (openid, msgid) pairs. */
  waiting(refs: readonly SentRef[]): Promise<Receipt[]>;
}

export const receiptOutcome = (errorCode: number): ReceiptOutcome => (errorCode === 0 ? 'delivered' : 'failed');

async function join(port: ReceiptPort, r: Receipt, deliveryId: string): Promise<boolean> {
  const marked = await port.markDelivery(deliveryId, r.openid, {
    receipt: receiptOutcome(r.errorCode),
    receiptAt: r.at,
    receiptErrorCode: r.errorCode,
  });
  if (marked) await port.markJoined(r, deliveryId);
  return marked;
}

/** The push side: store, then join if the msgid is already written. Resolves the delivery joined, or null (waiting). */
export async function acceptReceipt(port: ReceiptPort, r: Receipt): Promise<string | null> {
  // Store before looking: a msgid written after this look finds the stored receipt (joinWaiting), never neither.
  await port.save(r);
  if (!r.msgid) return null;
  const id = await port.findDelivery(r.openid, r.msgid);
  return id && (await join(port, r, id)) ? id : null;
}

/** The msgid side: after msgids are written, join the receipts that arrived first. Resolves how many it joined. */
export async function joinWaiting(port: ReceiptPort, refs: readonly SentRef[]): Promise<number> {
  if (!refs.length) return 0;
  const waiting = await port.waiting(refs);
  let n = 0;
  for (const r of waiting) {
    const ref = refs.find((s) => s.msgid === r.msgid && s.openid === r.openid);
    if (ref && (await join(port, r, ref.deliveryId))) n++;
  }
  return n;
}
