// Mini program page: 我的订阅 — every template the app uses with remaining sends (ledger), last choice, "always keep"
// and main switch (wx.getSetting, synced to the ledger), ask again, revoke, delete my data (with its receipt), and my
// consent history (read page by page, export as CSV to the clipboard).
import type { SubscribeResultDetail } from '../../components/subscribe-button/index';
import { call, messageOf } from '../../lib/api';
import { deletionText, historyRows, type HistoryRow } from '../../lib/consent-view';
import { grantRows, mainSwitchText, mergeGrants, settingsPayload, type GrantRow, type LocalSetting } from '../../lib/grant-view';
import type { ConsentHistoryEntry, DeletionReceipt, ExportResponse, GrantView, HistoryResponse, ListResponse } from '../../lib/types';
import { alert, confirm, openSubscriptionSettings, readSubscriptionsSetting, toast, type Ev, type Tap } from '../../lib/ui';

Component({
  data: {
    loading: true,
    error: '',
    rows: [] as GrantRow[],
    kinds: {} as Record<string, string>,
    mainSwitch: null as boolean | null,
    mainSwitchText: '未知',
    items: [] as GrantView[],
    local: null as LocalSetting | null,
    historyOpen: false,
    historyLoading: false,
    historyError: '',
    historyEntries: [] as ConsentHistoryEntry[],
    historyRows: [] as HistoryRow[],
    historyNext: null as string | null,
  },
  methods: {
    onShow() {
      void this.refresh(true);
    },
    onPullDownRefresh() {
      void this.refresh(true).then(() => wx.stopPullDownRefresh());
    },

    /** list → getSetting → syncSettings (→ list again when something changed) → render. */
    async refresh(sync: boolean) {
      this.setData({ loading: true, error: '' });
      try {
        let list = await call<ListResponse>('subscriptions', 'list');
        let local = this.data.local;
        if (sync) {
          local = await readSubscriptionsSetting();
          if (local) {
            const payload = settingsPayload(local, list.items.map((i) => i.templateId));
            try {
              const r = await call<{ updated: number }>('subscriptions', 'syncSettings', payload);
              if (r.updated > 0) list = await call<ListResponse>('subscriptions', 'list');
            } catch (e) {
              console.warn('syncSettings failed', e); // the local state is still shown below
            }
          }
        }
        this.render(list.items, local, local ? local.mainSwitch : list.mainSwitch);
      } catch (e) {
        this.setData({ error: messageOf(e) });
      }
      this.setData({ loading: false });
    },

    render(items: GrantView[], local: LocalSetting | null, mainSwitch: boolean | null) {
      const kinds: Record<string, string> = {};
      for (const i of items) kinds[i.templateId] = i.kind;
      this.setData({ items, local, kinds, mainSwitch, mainSwitchText: mainSwitchText(mainSwitch), rows: grantRows(items, local, mainSwitch) });
    },

    onResult(e: Ev<SubscribeResultDetail>) {
      const d = e.detail;
      // `record` answers the grants of the asked templates only: merge them into the full list.
      if (d.grants) this.render(mergeGrants(this.data.items, d.grants), this.data.local, this.data.mainSwitch);
      else if (d.outcome.kind !== 'refused') void this.refresh(d.outcome.error?.action === 'settings');
    },

    async onOpenSettings() {
      await openSubscriptionSettings();
      await this.refresh(true);
    },

    async onRevoke(e: Tap<{ id: string; title: string }>) {
      const { id, title } = e.currentTarget.dataset;
      const sure = await confirm('撤销订阅', `撤销后将不再向你发送“${title}”，剩余次数清零。如需彻底关闭弹窗，请到设置中修改。`, '撤销', true);
      if (!sure) return;
      try {
        await call('subscriptions', 'revoke', { templateId: id });
        toast('已撤销', 'success');
        await this.refresh(false);
      } catch (err) {
        await alert('撤销失败', messageOf(err));
      }
    },

    async onDeleteData() {
      const sure = await confirm('删除我的数据', '将删除你的订阅记录、授权日志和个人提醒，且无法恢复。确定删除吗？', '删除', true);
      if (!sure) return;
      try {
        const receipt = await call<DeletionReceipt>('subscriptions', 'deleteMyData', { confirm: true });
        this.setData({ historyOpen: false, historyEntries: [], historyRows: [], historyNext: null });
        await alert('已删除', deletionText(receipt));
        await this.refresh(false);
      } catch (err) {
        await alert('删除失败', messageOf(err));
      }
    },

    /** 授权记录: the first page (again), newest first. */
    async onShowHistory() {
      this.setData({ historyOpen: true, historyEntries: [], historyRows: [], historyNext: null });
      await this.loadHistory(null);
    },

    async onMoreHistory() {
      if (this.data.historyNext) await this.loadHistory(this.data.historyNext);
    },

    async loadHistory(cursor: string | null) {
      this.setData({ historyLoading: true, historyError: '' });
      try {
        const page = await call<HistoryResponse>('subscriptions', 'history', cursor ? { cursor } : {});
        const entries = [...this.data.historyEntries, ...page.entries];
        this.setData({ historyEntries: entries, historyRows: historyRows(entries), historyNext: page.next });
      } catch (err) {
        this.setData({ historyError: messageOf(err) });
      }
      this.setData({ historyLoading: false });
    },

    /** The whole history as CSV, copied to the clipboard (paste it into a note or a file to keep it). */
    async onExportHistory() {
      try {
        const file = await call<ExportResponse>('subscriptions', 'exportHistory');
        if (file.count === 0) {
          toast('还没有授权记录');
          return;
        }
        await new Promise<void>((resolve, reject) => wx.setClipboardData({ data: file.content, success: () => resolve(), fail: reject }));
        const more = file.truncated ? '（仅最近的记录）' : '';
        await alert('已导出', `${file.count} 条授权记录${more}已复制为 CSV 表格文本，可粘贴到备忘录或文件中保存。`);
      } catch (err) {
        await alert('导出失败', messageOf(err));
      }
    },
  },
});
