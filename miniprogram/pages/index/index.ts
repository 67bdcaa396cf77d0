// Mini program page: home — calls the `hello` example function.
interface HelloResult {
  ok: boolean;
  data?: { greeting: string; visits: number };
  error?: { code: string; message: string };
}

Page({
  data: { greeting: '点击按钮，调用云函数 hello' },
  async onHello() {
    try {
      const res = await wx.cloud.callFunction({ name: 'hello', data: {} });
      const out = res.result as HelloResult;
      this.setData({ greeting: out.ok && out.data ? `${out.data.greeting}（第 ${out.data.visits} 次）` : `出错了：${out.error?.message ?? ''}` });
    } catch (err) {
      this.setData({ greeting: '网络异常，请稍后再试' });
    }
  },
});
