// Mini program admin page: campaign list — status, send time (Beijing time) and progress of every campaign.
import { call, messageOf } from '../../../lib/api';
import { campaignRows, type CampaignRow } from '../../../lib/campaign-view';
import { quotaBanner } from '../../../lib/campaign-repeat';
import type { CampaignSummary } from '../../../lib/types';
import type { Tap } from '../../../lib/ui';

Component({
  data: { loading: true, error: '', rows: [] as CampaignRow[], quotaText: '' },
  methods: {
    onShow() {
      void this.refresh();
    },
    onPullDownRefresh() {
      void this.refresh().then(() => wx.stopPullDownRefresh());
    },
    async refresh() {
      this.setData({ loading: true, error: '' });
      try {
        const { campaigns, quotaPause } = await call<{ campaigns: CampaignSummary[]; quotaPause?: { message?: string } | null }>('campaigns', 'list');
        this.setData({ rows: campaignRows(campaigns), quotaText: quotaBanner(quotaPause) });
      } catch (e) {
        this.setData({ error: messageOf(e) });
      }
      this.setData({ loading: false });
    },
    onOpen(e: Tap<{ id: string }>) {
      wx.navigateTo({ url: `/pages/admin/campaign-detail/campaign-detail?id=${encodeURIComponent(e.currentTarget.dataset.id)}` });
    },
    onNew() {
      wx.navigateTo({ url: '/pages/admin/campaign-edit/campaign-edit' });
    },
  },
});
