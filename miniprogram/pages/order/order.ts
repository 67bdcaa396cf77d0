// Mini program page: 订单 — the example of a team's own page (README "Use Tixing in your app"). It shows one order
// (`orderStatus.get`); paying is the moment to ask for the order-status template: the pay button is a
// subscribe-button with purpose `order:<id>`, so the grant is held for this order's notifications (campaigns never
// spend it), then `orderStatus.pay` runs whatever the user chose. Opened from the card, it shows the new status.
import type { SubscribeResultDetail } from '../../components/subscribe-button/index';
import { call, messageOf } from '../../lib/api';
import { queryValue } from '../../lib/event-view';
import { ORDER_STATUS_TEMPLATE } from '../../lib/template-kinds';
import { alert, toast, type Ev } from '../../lib/ui';

interface Order { _id: string; item: string; amountFen: number; status: 'created' | 'paid' | 'shipped' | 'delivered' }

const STATUS_TEXT: Record<Order['status'], string> = { created: '待支付', paid: '已支付，等待发货', shipped: '已发货', delivered: '已送达' };
const yuan = (fen: number) => `￥${(fen / 100).toFixed(2)}`;
const DEMO = { item: '手冲咖啡豆 250g', amountFen: 12800 };

function view(o: Order) {
  return { id: o._id, item: o.item, amountText: yuan(o.amountFen), status: o.status, statusText: STATUS_TEXT[o.status] };
}

Component({
  data: {
    loading: true,
    error: '',
    order: null as ReturnType<typeof view> | null,
    purpose: '',
    tmplIds: [ORDER_STATUS_TEMPLATE],
    demo: { item: DEMO.item, amountText: yuan(DEMO.amountFen) },
  },
  methods: {
    /** `pages/order/order?id=<order>` (the notification card opens this). */
    onLoad(query: Record<string, string | undefined>) {
      const id = queryValue(query['id']);
      if (id) void this.load(id);
      else this.setData({ loading: false });
    },

    async load(id: string) {
      this.setData({ loading: true, error: '' });
      try {
        const { order } = await call<{ order: Order }>('orderStatus', 'get', { id });
        this.show(order);
      } catch (e) {
        this.setData({ error: messageOf(e) });
      }
      this.setData({ loading: false });
    },

    show(o: Order) {
      this.setData({ order: view(o), purpose: `order:${o._id}` });
    },

    async onPlace() {
      try {
        const { order } = await call<{ order: Order }>('orderStatus', 'place', DEMO);
        this.show(order);
      } catch (e) {
        await alert('下单失败', messageOf(e));
      }
    },

    /** The subscribe-button asked WeChat (inside the tap) and recorded the tap for `order:<id>`; now pay. */
    async onPayResult(e: Ev<SubscribeResultDetail>) {
      const id = this.data.order?.id;
      if (!id) return;
      try {
        const { order } = await call<{ order: Order }>('orderStatus', 'pay', { id });
        this.show(order);
        toast(e.detail.outcome.accepted.includes(ORDER_STATUS_TEMPLATE) ? '支付成功，发货时通知你' : '支付成功', 'success');
      } catch (err) {
        await alert('支付失败', messageOf(err));
      }
    },
  },
});
