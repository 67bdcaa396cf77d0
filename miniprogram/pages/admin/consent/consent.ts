// Mini program admin page: a user's consent history — an admin enters (or opens with `?openid=`) a user's openid and
// reads what that user agreed to, refused, revoked or unsubscribed, newest first, page by page; 导出 copies it as CSV.
// The subscriptions function's admin actions (`userHistory`, `exportUserHistory`, core/grants/history.ts) check the
// admin list: anyone else gets FORBIDDEN, shown as such.
import { call, messageOf } from '../../../lib/api';
import { historyRows, openidProblem, type HistoryRow } from '../../../lib/consent-view';
import type { ConsentHistoryEntry, ExportResponse, HistoryResponse } from '../../../lib/types';
import { alert, toast } from '../../../lib/ui';
import type { Ev } from '../../../lib/ui';

Component({
  data: {
    openid: '',
    /** The openid whose history is shown (the input may have changed since). */
    shown: '',
    problem: '',
    error: '',
    loading: false,
    opened: false,
    entries: [] as ConsentHistoryEntry[],
    rows: [] as HistoryRow[],
    next: null as string | null,
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const openid = (query['openid'] ?? '').trim();
      if (openid) {
        this.setData({ openid });
        void this.onQuery();
      }
    },
    onInput(e: Ev<{ value: string }>) {
      this.setData({ openid: e.detail.value, problem: '' });
    },
    /** 查询: the first page of the entered user's history. */
    async onQuery() {
      const openid = this.data.openid.trim();
      const problem = openidProblem(openid);
      this.setData({ problem });
      if (problem) return;
      this.setData({ shown: openid, opened: true, entries: [], rows: [], next: null });
      await this.load(null);
    },
    async onMore() {
      if (this.data.next) await this.load(this.data.next);
    },
    async load(cursor: string | null) {
      const openid = this.data.shown;
      this.setData({ loading: true, error: '' });
      try {
        const page = await call<HistoryResponse>('subscriptions', 'userHistory', cursor ? { openid, cursor } : { openid });
        const entries = [...this.data.entries, ...page.entries];
        this.setData({ entries, rows: historyRows(entries), next: page.next });
      } catch (err) {
        this.setData({ error: messageOf(err), opened: false });
      }
      this.setData({ loading: false });
    },
    /** The user's whole history as CSV, copied to the clipboard. */
    async onExport() {
      const openid = this.data.openid.trim();
      const problem = openidProblem(openid);
      this.setData({ problem });
      if (problem) return;
      try {
        const file = await call<ExportResponse>('subscriptions', 'exportUserHistory', { openid });
        if (file.count === 0) {
          toast('该用户还没有授权记录');
          return;
        }
        await new Promise<void>((resolve, reject) => wx.setClipboardData({ data: file.content, success: () => resolve(), fail: reject }));
        const more = file.truncated ? '（仅最近的记录）' : '';
        await alert('已导出', `${file.count} 条授权记录${more}已复制为 CSV 表格文本，可粘贴到文件中保存。`);
      } catch (err) {
        await alert('导出失败', messageOf(err));
      }
    },
  },
});
