// Mini program admin page: campaign detail — live progress (polls `campaigns.stats` while the campaign moves),
// counts by outcome, opens; the campaign's audience and delivery options; pause / resume / cancel.
import { call, messageOf } from '../../../lib/api';
import { settingsRows } from '../../../lib/campaign-options';
import { actionsFor, LIVE_STATUSES, statsView, statusText } from '../../../lib/campaign-view';
import { describeRepeat, quotaBanner, SKIP_REASON_TEXT, type OccurrenceRow } from '../../../lib/campaign-repeat';
import { formatSendAt } from '../../../lib/time';
import { every, stop } from '../../../lib/timers';
import type { CampaignDetail, CampaignStatsResponse } from '../../../lib/types';
import { alert, confirm, toast } from '../../../lib/ui';

const POLL_MS = 2000;
/** Page instances currently polling (so a refresh does not restart the interval every tick). */
const polling = new WeakSet<object>();

Component({
  data: {
    id: '',
    error: '',
    name: '',
    templateId: '',
    status: '',
    statusText: '',
    sendAtText: '',
    settings: [] as { label: string; value: string }[],
    stats: null as ReturnType<typeof statsView> | null,
    actions: actionsFor(''),
    live: false,
    pollSeconds: POLL_MS / 1000,
    /** A recurring series: its rule, and each occurrence with its own counts. */
    repeatText: '',
    occurrences: [] as OccurrenceRow[],
    quotaText: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ id: decodeURIComponent(query['id'] ?? '') });
    },
    onShow() {
      void this.refresh();
    },
    onHide() {
      this.stopPolling();
    },
    onUnload() {
      this.stopPolling();
    },
    onPullDownRefresh() {
      void this.refresh().then(() => wx.stopPullDownRefresh());
    },

    async refresh() {
      const id = this.data.id;
      if (!id) return;
      try {
        const [{ campaign, quotaPause }, stats] = await Promise.all([
          call<{ campaign: CampaignDetail & { recurrence?: { kind?: string } }; quotaPause?: { message?: string } | null }>('campaigns', 'get', { id }),
          call<CampaignStatsResponse>('campaigns', 'stats', { id }),
        ]);
        const status: string = campaign.status ?? '';
        const series = campaign.recurrence !== undefined;
        const occ = series
          ? await call<{ occurrences: { id: string; sendAtLocal: string | null; status: string; skipReason: string | null; progress: { sent: number; targeted: number; skipped: number; failed: number } }[] }>('campaigns', 'occurrences', { id })
          : { occurrences: [] };
        const live = LIVE_STATUSES.some((s) => s === status) || occ.occurrences.some((o) => o.status === 'running');
        this.setData({
          error: '',
          name: campaign.name ?? '',
          templateId: campaign.templateId ?? '',
          status,
          statusText: statusText(status),
          sendAtText: formatSendAt(campaign.sendAtLocal ?? campaign.sendAt ?? null),
          settings: settingsRows(campaign),
          stats: statsView(stats),
          actions: actionsFor(status),
          live,
          repeatText: series ? describeRepeat(campaign.recurrence) : '',
          occurrences: occ.occurrences.map((o) => ({
            id: o.id,
            when: o.sendAtLocal ?? '',
            statusText: o.skipReason ? SKIP_REASON_TEXT[o.skipReason] ?? o.skipReason : statusText(o.status),
            countsText: `已发送 ${o.progress.sent}/${o.progress.targeted}，跳过 ${o.progress.skipped}，失败 ${o.progress.failed}`,
          })),
          quotaText: quotaBanner(quotaPause),
        });
        if (!live) this.stopPolling();
        else if (!polling.has(this)) this.startPolling();
      } catch (e) {
        this.setData({ error: messageOf(e) });
      }
    },
    startPolling() {
      polling.add(this);
      every(this, 'poll', POLL_MS, () => void this.refresh());
    },
    stopPolling() {
      polling.delete(this);
      stop(this, 'poll');
    },

    async act(action: 'pause' | 'resume' | 'cancel' | 'end', done: string) {
      try {
        await call('campaigns', action, { id: this.data.id });
        toast(done, 'success');
      } catch (e) {
        await alert('操作失败', messageOf(e));
      }
      await this.refresh();
    },
    onPause() { void this.act('pause', '已暂停'); },
    onResume() { void this.act('resume', '已继续'); },
    async onCancel() {
      if (await confirm('取消活动', '取消后未发送的消息不再发送，且无法恢复。确定取消吗？', '取消活动', true)) await this.act('cancel', '已取消');
    },
    async onEnd() {
      if (await confirm('结束系列', '结束后不再产生新的一期，尚未开始的一期不发送。确定结束吗？', '结束系列', true)) await this.act('end', '已结束');
    },
    onEdit() {
      wx.navigateTo({ url: `/pages/admin/campaign-edit/campaign-edit?id=${encodeURIComponent(this.data.id)}` });
    },
  },
});
