// Mini program page: home — entry to 活动, 我的订阅 and 管理后台, plus the `hello` smoke call.
import { call, messageOf } from '../../lib/api';

Page({
  data: { greeting: '' },
  async onHello() {
    try {
      const out = await call<{ greeting: string; visits: number }>('hello', 'hello');
      this.setData({ greeting: `${out.greeting}（第 ${out.visits} 次）` });
    } catch (err) {
      this.setData({ greeting: `出错了：${messageOf(err)}` });
    }
  },
});
