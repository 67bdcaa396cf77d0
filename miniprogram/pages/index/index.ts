// Mini program page: home — entry to 活动, 我的订阅 and (for admins only: the server says who is, `hello.me`)
// 管理后台, plus the `hello` smoke call. Built with Component (as the other pages) so the page tests can mount it.
import { call, messageOf } from '../../lib/api';

Component({
  data: { greeting: '', isAdmin: false },
  methods: {
    onShow() {
      void this.checkAdmin();
    },
    /** The admin entry is shown only when the server counts the caller as an admin; on any failure it stays hidden. */
    async checkAdmin() {
      try {
        const me = await call<{ isAdmin: boolean }>('hello', 'me');
        this.setData({ isAdmin: me.isAdmin === true });
      } catch {
        this.setData({ isAdmin: false });
      }
    },
    async onHello() {
      try {
        const out = await call<{ greeting: string; visits: number }>('hello', 'hello');
        this.setData({ greeting: `${out.greeting}（第 ${out.visits} 次）` });
      } catch (err) {
        this.setData({ greeting: `出错了：${messageOf(err)}` });
      }
    },
  },
});
