// Adapters: the outbox for code without a cloud-call token ([CB-WXTOKEN] a function called by another function):
// enqueue writes a pending `outbox` delivery (deterministic id from the caller's key); `dispatch` sends it.
import { enqueue as enqueueCore, type OutboxInput } from '../core/sending/outbox';
import type { Delivery } from '../core/delivery';
import { sendingDeps } from './sender';

export type { OutboxInput } from '../core/sending/outbox';

export interface Outbox {
  /** Validates (throws VALIDATION_FAILED / UNKNOWN_TEMPLATE), then writes the pending delivery once per key+openid. */
  enqueue(input: OutboxInput): Promise<{ deliveryId: string; created: boolean; status: Delivery['status'] }>;
}

export function createOutbox(): Outbox {
  return { enqueue: (input) => enqueueCore(sendingDeps(), input) };
}
