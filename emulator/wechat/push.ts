// Emulator layer (WeChat simulator): the subscription-message pushes WeChat sends to the configured receiver
// (docs/platform-facts.md §1.6): popup (after a requestSubscribeMessage popup), change (the user sets a template to
// 拒收 in the service-notification card menu or settings) and sent (the delivery result of an accepted send).
import type { PushMessage } from '../contracts';
import { ORIGINAL_ID } from '../runner/env';
import type { SimCore } from './core';

export type PushEventName = PushMessage['Event'];

/** A failure after acceptance the simulator applies to a user's next deliveries (see `deliveryFailure`). */
export interface DeliveryFailure {
  errorCode: number;
  errorStatus: string;
}

/**
 * [SUBMSG-GUIDE-COPY] the sent event's `ErrorCode` is 0 with `ErrorStatus` "success" for a delivered message; the
 * non-zero values are **NOT FOUND** in the sources. The simulator's default failure ("the user blocked delivery
 * after WeChat accepted the send") uses this GUESS; tests may set any other code.
 */
export const DEFAULT_DELIVERY_FAILURE: DeliveryFailure = { errorCode: 1, errorStatus: 'failed:user block' };

/** One push: `List` an object for one item, an array for several ([WXJAVA-PR] [COMM-CHANGE]). */
export function pushMessage(core: SimCore, openid: string, event: PushEventName, items: Record<string, string>[]): PushMessage {
  return {
    ToUserName: ORIGINAL_ID,
    FromUserName: openid,
    // [SUBMSG-GUIDE-COPY] the JSON sample carries CreateTime (seconds) and every item value as strings.
    CreateTime: String(Math.floor(core.clock.now() / 1000)),
    MsgType: 'event',
    Event: event,
    List: items.length === 1 ? (items[0] as Record<string, string>) : items,
  };
}

/** popup: one item per template the user answered in the popup, `accept` or `reject` ([SUBMSG-GUIDE-COPY]). */
export function popupItems(answered: { templateId: string; status: string }[], scene: number): Record<string, string>[] {
  return answered.map((a) => ({
    TemplateId: a.templateId,
    SubscribeStatusString: a.status.startsWith('accept') ? 'accept' : 'reject',
    PopupScene: String(scene),
  }));
}

/** sent: the result of one accepted send ([SUBMSG-GUIDE-COPY] [WXJAVA-PR]). */
export function sentItem(templateId: string, msgid: string, failure?: DeliveryFailure): Record<string, string> {
  return {
    TemplateId: templateId,
    MsgID: msgid,
    ErrorCode: String(failure ? failure.errorCode : 0),
    ErrorStatus: failure ? failure.errorStatus : 'success',
  };
}
