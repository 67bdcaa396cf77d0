// Mini program page: 我的订阅 — every template the app uses with remaining sends (ledger), last choice, "always keep"
// and main switch (wx.getSetting, synced to the ledger), ask again, revoke, delete my data.
import type { SubscribeResultDetail } from '../../components/subscribe-button/index';
import { call, messageOf } from '../../lib/api';
import { grantRows, mainSwitchText, mergeGrants, settingsPayload, type GrantRow, type LocalSetting } from '../../lib/grant-view';
import type { GrantView, ListResponse } from '../../lib/types';
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
        await call('subscriptions', 'deleteMyData', { confirm: true });
        toast('已删除', 'success');
        await this.refresh(false);
      } catch (err) {
        await alert('删除失败', messageOf(err));
      }
    },
  },
});
