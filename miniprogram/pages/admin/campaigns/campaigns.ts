// Mini program admin page: campaign list — status, send time (in each campaign's zone) and progress of every
// campaign. Read again on every show (coming back from the editor or the detail), on pull-down, and every few
// seconds while a campaign is sending (backing off while nothing changes; never while nothing can move).
import { call, messageOf } from '../../../lib/api';
import { campaignRows, nextPollMs, type CampaignRow } from '../../../lib/campaign-view';
import { debounce, stop } from '../../../lib/timers';
import { quotaBanner } from '../../../lib/campaign-repeat';
import type { CampaignSummary } from '../../../lib/types';
import type { Tap } from '../../../lib/ui';

const polls = new WeakMap<object, { last: string; unchanged: number; visible: boolean }>();
const pollOf = (page: object) => {
  let p = polls.get(page);
  if (!p) polls.set(page, (p = { last: '', unchanged: 0, visible: true }));
  return p;
};

Component({
  data: { loading: true, error: '', rows: [] as CampaignRow[], pollText: '', quotaText: '' },
  methods: {
    onShow() {
      pollOf(this).visible = true;
      void this.refresh();
    },
    onHide() {
      pollOf(this).visible = false;
      stop(this, 'poll');
    },
    onUnload() {
      pollOf(this).visible = false;
      stop(this, 'poll');
    },
    onPullDownRefresh() {
      void this.refresh().then(() => wx.stopPullDownRefresh());
    },
    async refresh() {
      stop(this, 'poll');
      const p = pollOf(this);
      this.setData({ loading: true, error: '' });
      let campaigns: CampaignSummary[] | null = null;
      try {
        let quotaPause: { message?: string } | null | undefined;
        ({ campaigns, quotaPause } = await call<{ campaigns: CampaignSummary[]; quotaPause?: { message?: string } | null }>('campaigns', 'list'));
        this.setData({ rows: campaignRows(campaigns), quotaText: quotaBanner(quotaPause) });
      } catch (e) {
        this.setData({ error: messageOf(e) });
      }
      this.setData({ loading: false });
      if (!campaigns) return;
      const key = JSON.stringify(campaigns.map((c) => [c.id, c.status, c.progress]));
      p.unchanged = key === p.last ? p.unchanged + 1 : 0;
      p.last = key;
      const now = Date.now();
      const waits = campaigns.map((c) => nextPollMs(c.status, c.sendAt, now, p.unchanged)).filter((w): w is number => w !== null);
      const wait = waits.length ? Math.min(...waits) : null;
      this.setData({ pollText: wait === null ? '' : `有活动正在发送，${Math.round(wait / 1000)} 秒后自动刷新` });
      if (wait !== null && p.visible) debounce(this, 'poll', wait, () => void this.refresh());
    },
    onOpen(e: Tap<{ id: string }>) {
      wx.navigateTo({ url: `/pages/admin/campaign-detail/campaign-detail?id=${encodeURIComponent(e.currentTarget.dataset.id)}` });
    },
    onNew() {
      wx.navigateTo({ url: '/pages/admin/campaign-edit/campaign-edit' });
    },
    onTemplates() {
      wx.navigateTo({ url: '/pages/admin/templates/templates' });
    },
    onConsent() {
      wx.navigateTo({ url: '/pages/admin/consent/consent' });
    },
  },
});
