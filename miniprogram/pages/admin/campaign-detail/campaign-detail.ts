// Mini program admin page: campaign detail — the template's title and the message as it will read, progress with
// rate and ETA (polled only while something moves, backing off while nothing changes), counts by outcome, the
// analytics charts (funnel, sends per hour, grant conversion per placement), what to do next when the campaign is
// quarantined or paused, and pause / resume / cancel. An unknown id shows 未找到该活动 and no actions. A recurring series
// shows its rule and each occurrence with its own counts (and 结束系列); a daily-quota pause shows when sending resumes.
import { call, isApiError, messageOf } from '../../../lib/api';
import { settingsRows } from '../../../lib/campaign-options';
import {
  actionsFor, analyticsView, nextPollMs, nextStep, rateAndEta, sendAtText, statsView, statusText, zoneText,
} from '../../../lib/campaign-view';
import { describeRepeat, quotaBanner, SKIP_REASON_TEXT, type OccurrenceRow } from '../../../lib/campaign-repeat';
import { debounce, stop } from '../../../lib/timers';
import type { AnalyticsResponse, CampaignDetail, CampaignStatsResponse, PreviewResponse } from '../../../lib/types';
import { alert, confirm, toast } from '../../../lib/ui';

interface PollState {
  /** The last read's finished count and time (for the rate). */
  last: { at: number; done: number } | null;
  /** Reads in a row in which nothing changed (for the back-off). */
  unchanged: number;
  /** The template preview, read once per page. */
  preview: { key: string; title: string; lines: { label: string; value: string }[] } | null;
  /** False once the page is hidden: a read in flight schedules nothing. */
  visible: boolean;
}
const state = new WeakMap<object, PollState>();
const stateOf = (page: object): PollState => {
  let s = state.get(page);
  if (!s) state.set(page, (s = { last: null, unchanged: 0, preview: null, visible: true }));
  return s;
};

Component({
  data: {
    id: '',
    loaded: false,
    notFound: false,
    error: '',
    name: '',
    templateId: '',
    templateTitle: '',
    content: [] as { label: string; value: string }[],
    status: '',
    statusText: '',
    warn: false,
    next: null as { text: string; warn: boolean } | null,
    sendAtText: '',
    settings: [] as { label: string; value: string }[],
    stats: null as ReturnType<typeof statsView> | null,
    charts: null as ReturnType<typeof analyticsView> | null,
    rateText: '—',
    etaText: '—',
    actions: actionsFor(''),
    pollText: '',
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
      stateOf(this).visible = true;
      void this.refresh();
    },
    onHide() {
      stateOf(this).visible = false;
      stop(this, 'poll');
    },
    onUnload() {
      stateOf(this).visible = false;
      stop(this, 'poll');
    },
    onPullDownRefresh() {
      void this.refresh().then(() => wx.stopPullDownRefresh());
    },

    /** Title and rendered lines of the campaign's message (templates.preview); the raw id if that fails. */
    async preview(c: CampaignDetail): Promise<NonNullable<PollState['preview']>> {
      const s = stateOf(this);
      const key = JSON.stringify([c.templateId, c.data, c.page ?? null]);
      if (s.preview?.key === key) return s.preview;
      try {
        const r = await call<PreviewResponse>('templates', 'preview', { templateId: c.templateId, data: c.data ?? {}, ...(c.page ? { page: c.page } : {}) });
        s.preview = { key, title: r.card.title, lines: r.card.lines };
      } catch {
        s.preview = { key, title: c.templateId, lines: Object.entries(c.data ?? {}).map(([label, value]) => ({ label, value })) };
      }
      return s.preview;
    },

    async refresh() {
      const id = this.data.id;
      if (!id) return;
      const s = stateOf(this);
      stop(this, 'poll');
      type Occurrence = { id: string; sendAtLocal: string | null; status: string; skipReason: string | null; progress: { sent: number; targeted: number; skipped: number; failed: number } };
      let campaign: CampaignDetail & { quarantineReason?: string; recurrence?: { kind?: string } };
      let quotaPause: { message?: string } | null | undefined;
      let stats: CampaignStatsResponse;
      let occurrences: Occurrence[] = [];
      try {
        [{ campaign, quotaPause }, stats] = await Promise.all([
          call<{ campaign: CampaignDetail & { quarantineReason?: string; recurrence?: { kind?: string } }; quotaPause?: { message?: string } | null }>('campaigns', 'get', { id }),
          call<CampaignStatsResponse>('campaigns', 'stats', { id }),
        ]);
        if (campaign.recurrence !== undefined) ({ occurrences } = await call<{ occurrences: Occurrence[] }>('campaigns', 'occurrences', { id }));
      } catch (e) {
        if (isApiError(e) && e.code === 'NOT_FOUND') {
          this.setData({ loaded: true, notFound: true, error: '', stats: null, charts: null, actions: actionsFor(''), pollText: '' });
          return;
        }
        this.setData({ error: messageOf(e), loaded: true });
        // A failed read of a sending campaign is tried again, later each time (a blip must not stop the updates).
        s.unchanged += 1;
        const retry = nextPollMs(this.data.status, null, Date.now(), s.unchanged);
        if (retry !== null && s.visible) debounce(this, 'poll', retry, () => void this.refresh());
        return;
      }
      const now = Date.now();
      const done = stats.targeted - stats.pending;
      const moved = s.last === null || s.last.done !== done;
      // The charts are read again only when the numbers moved (five aggregations: not on every poll).
      const [card, analytics] = await Promise.all([
        this.preview(campaign),
        moved || !this.data.charts || campaign.status !== this.data.status ? call<AnalyticsResponse>('campaigns', 'analytics', { id }).catch(() => null) : Promise.resolve(undefined),
      ]);
      const status: string = campaign.status ?? '';
      const view = statsView(stats);
      const speed = rateAndEta(s.last, { at: now, done, pending: stats.pending });
      s.unchanged = moved ? 0 : s.unchanged + 1;
      s.last = { at: now, done };
      const next = nextStep(status, campaign.quarantineReason);
      const series = campaign.recurrence !== undefined;
      // A series is polled like a running campaign while one of its occurrences sends.
      const pollAs = series && occurrences.some((o) => o.status === 'running') ? 'running' : status;
      const wait = nextPollMs(pollAs, campaign.sendAt ?? null, now, s.unchanged);
      this.setData({
        loaded: true,
        notFound: false,
        error: '',
        name: campaign.name ?? '',
        templateId: campaign.templateId ?? '',
        templateTitle: card.title,
        content: card.lines,
        status,
        statusText: statusText(status),
        warn: next?.warn ?? false,
        next,
        sendAtText: sendAtText(campaign),
        settings: settingsRows(campaign),
        stats: view,
        charts: analytics === undefined ? this.data.charts : analytics ? analyticsView(analytics) : null,
        rateText: status === 'running' ? speed.rateText : '—',
        etaText: status === 'running' ? speed.etaText : '—',
        actions: actionsFor(status),
        repeatText: series ? `${describeRepeat(campaign.recurrence)}（${zoneText(campaign.zone)}）` : '',
        occurrences: occurrences.map((o) => ({
          id: o.id,
          when: o.sendAtLocal ?? '',
          statusText: o.skipReason ? SKIP_REASON_TEXT[o.skipReason] ?? o.skipReason : statusText(o.status),
          countsText: `已发送 ${o.progress.sent}/${o.progress.targeted}，跳过 ${o.progress.skipped}，失败 ${o.progress.failed}`,
        })),
        quotaText: quotaBanner(quotaPause),
        pollText: wait === null ? (status === 'scheduled' ? '发送时间临近时自动刷新，也可下拉刷新' : '') : `${Math.round(wait / 1000)} 秒后自动刷新`,
      });
      if (wait !== null && s.visible) debounce(this, 'poll', wait, () => void this.refresh());
    },

    async act(action: 'pause' | 'resume' | 'cancel' | 'end', done: string) {
      try {
        await call('campaigns', action, { id: this.data.id });
        toast(done, 'success');
      } catch (e) {
        await alert('操作失败', messageOf(e));
      }
      stateOf(this).unchanged = 0;
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
