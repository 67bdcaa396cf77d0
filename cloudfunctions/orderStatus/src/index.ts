// Function `orderStatus` — an EXAMPLE of a team's own function using Tixing (README "Use Tixing in your app").
// The buyer places and pays for an order from pages/order/order (the pay tap asks for TPL_ORDER_STATUS and records
// the grant with purpose `order:<id>`, so campaigns cannot spend it); the merchant (an admin) moves the order on,
// and each change notifies the buyer through the typed notify client — keyed `order-<id>-<status>`, so a retried
// change never sends twice. Called from the mini program; notify itself is reached by cloud.callFunction.
import cloud from 'wx-server-sdk';
import { z } from 'zod';
import { createNotify, NotifyError, type SendAnswer } from '../../../client/notify';
import { action, dispatchAction, type ActionTable, type Caller } from '../../../core/actions';
import { DomainError } from '../../../core/envelope';
import { isAdmin } from '../../../adapters/admins';
import { db } from '../../../adapters/db';
import { currentCaller, initCloud } from '../../../adapters/runtime';
import { dbErrorKind } from '../../../adapters/db-errors';

initCloud();
const notify = createNotify(cloud as unknown as Parameters<typeof createNotify>[0]);
const ORDERS = 'orders';
export const ORDER_TEMPLATE = 'TPL_ORDER_STATUS';
/** The shop's service line shown on the card (phone_number keyword). */
const SHOP_PHONE = '400-820-8820';

type OrderStatus = 'created' | 'paid' | 'shipped' | 'delivered';
interface Order {
  _id: string;
  openid: string;
  item: string;
  amountFen: number;
  status: OrderStatus;
  createdAt: number;
  updatedAt: number;
}
/** What the buyer reads on the card (phrase keyword: ≤ 5 Chinese characters). */
const STATUS_TEXT: Record<OrderStatus, string> = { created: '待支付', paid: '已支付', shipped: '已发货', delivered: '已送达' };
/** Which status each change needs before it. */
const PREVIOUS: Record<'shipped' | 'delivered', OrderStatus> = { shipped: 'paid', delivered: 'shipped' };

const orderId = () => z.string().regex(/^A[0-9A-Z]{6,30}$/, 'must be an order number');
const orders = () => db().collection(ORDERS);

function who(caller: Caller): string {
  if (!caller.openid) throw new DomainError('UNAUTHENTICATED', 'this action needs a mini program user');
  return caller.openid;
}

async function getOrder(id: string): Promise<Order | null> {
  try {
    return ((await orders().doc(id).get()).data as Order | null) ?? null;
  } catch (err) {
    if (dbErrorKind(err) === 'missing_collection') return null;
    throw err;
  }
}

async function mine(id: string, caller: Caller): Promise<Order> {
  const o = await getOrder(id);
  if (!o || (o.openid !== who(caller) && !(await isAdmin(caller)))) throw new DomainError('NOT_FOUND', `no order ${id}`);
  return o;
}

/** The message of one status change; the key makes the change's notification idempotent. */
function message(o: Order, status: OrderStatus) {
  return {
    key: `order-${o._id}-${status}`,
    to: o.openid,
    templateId: ORDER_TEMPLATE,
    data: { character_string1: o._id, phrase2: STATUS_TEXT[status], amount3: `￥${(o.amountFen / 100).toFixed(2)}`, phone_number4: SHOP_PHONE },
    page: `pages/order/order?id=${o._id}`,
    // The pay tap held a grant unit for this purpose: the first change after payment uses it.
    purpose: `order:${o._id}`,
  };
}

/** notify's refusal keeps its code for our caller (e.g. VALIDATION_FAILED, NOT_FOUND). */
async function viaNotify<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof NotifyError && err.code !== 'BAD_RESPONSE') throw new DomainError(err.code, err.message, err.details);
    throw err;
  }
}

type Deps = Record<string, never>;
const table: ActionTable<Deps> = {
  place: action({
    schema: z.object({ item: z.string().min(1).max(20), amountFen: z.number().int().min(1).max(10_000_000) }).strict(),
    run: async (_d: Deps, input, caller) => {
      const now = Date.now();
      const id = `A${now.toString(36).toUpperCase()}${Math.floor(Math.random() * 36 ** 4).toString(36).toUpperCase().padStart(4, '0')}`;
      const o: Order = { _id: id, openid: who(caller), item: input.item, amountFen: input.amountFen, status: 'created', createdAt: now, updatedAt: now };
      const add = () => orders().add({ data: o as unknown as Record<string, unknown> });
      try {
        await add();
      } catch (err) {
        if (dbErrorKind(err) !== 'missing_collection') throw err;
        await db().createCollection(ORDERS).catch(() => undefined);
        await add();
      }
      return { order: o };
    },
  }),
  pay: action({
    schema: z.object({ id: orderId() }).strict(),
    run: async (_d: Deps, input, caller) => {
      const now = Date.now();
      await orders().where({ _id: input.id, openid: who(caller), status: 'created' }).update({ data: { status: 'paid', updatedAt: now } });
      return { order: await mine(input.id, caller) };
    },
  }),
  get: action({
    schema: z.object({ id: orderId() }).strict(),
    run: async (_d: Deps, input, caller) => ({ order: await mine(input.id, caller) }),
  }),
  /** The merchant moves the order on; the buyer is notified (once per change, whatever the retries). */
  advance: action({
    schema: z.object({ id: orderId(), status: z.enum(['shipped', 'delivered']) }).strict(),
    admin: true,
    run: async (_d: Deps, input, caller): Promise<{ order: Order; notify: SendAnswer }> => {
      const before = await mine(input.id, caller);
      if (before.status !== input.status) {
        const res = await orders().where({ _id: input.id, status: PREVIOUS[input.status] }).update({ data: { status: input.status, updatedAt: Date.now() } });
        if (res.stats.updated === 0 && (await mine(input.id, caller)).status !== input.status) {
          throw new DomainError('CONFLICT', `order ${input.id} is ${before.status}; it cannot become ${input.status}`);
        }
      }
      const o = await mine(input.id, caller);
      // The change is recorded first; a retry of this call (same status) sends the same key: notify answers once.
      return { order: o, notify: await viaNotify(() => notify.send(message(o, input.status))) };
    },
  }),
  /** Why was the buyer (not) notified of this change? */
  notifyStatus: action({
    schema: z.object({ id: orderId(), status: z.enum(['shipped', 'delivered']) }).strict(),
    admin: true,
    run: (_d: Deps, input) => viaNotify(() => notify.status(`order-${input.id}-${input.status}`)),
  }),
};

export async function main(event: Record<string, unknown>): Promise<unknown> {
  return dispatchAction(table, {} as Deps, event, currentCaller(), {
    isAdmin: (_d, caller) => isAdmin(caller),
    onError: (err) => console.error('orderStatus failed', err),
  });
}
