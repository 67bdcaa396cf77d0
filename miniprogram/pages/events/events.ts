// Mini program page: 活动 (demo) — upcoming events; "提醒我" asks for TPL_EVENT_REMINDER and, on accept, creates a
// personal reminder 10 minutes before the start. Opened from a reminder message it highlights the event; the open
// itself is counted by the app-level hook (app.ts onShow → lib/opens.ts), as for every page.
import type { SubscribeResultDetail } from '../../components/subscribe-button/index';
import { call, messageOf } from '../../lib/api';
import { eventRows, queryValue, reminderLabel, REMIND_MINUTES_BEFORE, type EventRow } from '../../lib/event-view';
import { EVENT_REMINDER_TEMPLATE } from '../../lib/template-kinds';
import type { EventView } from '../../lib/types';
import { alert, confirm, toast, type Ev, type Tap } from '../../lib/ui';

Component({
  data: {
    loading: true,
    error: '',
    rows: [] as EventRow[],
    highlight: '',
    remindTmplIds: [EVENT_REMINDER_TEMPLATE],
    minutesBefore: REMIND_MINUTES_BEFORE,
  },
  methods: {
    /** The dispatcher's page is `pages/events/events?eventId=<id>&deliveryId=<deliveryId>`. */
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ highlight: queryValue(query['eventId']) });
      void this.refresh();
    },
    onPullDownRefresh() {
      void this.refresh().then(() => wx.stopPullDownRefresh());
    },

    async refresh() {
      this.setData({ loading: true, error: '' });
      try {
        const { events } = await call<{ events: EventView[] }>('reminders', 'listEvents');
        this.setData({ rows: eventRows(events, Date.now(), this.data.highlight) });
      } catch (e) {
        this.setData({ error: messageOf(e) });
      }
      this.setData({ loading: false });
    },

    /** After the subscribe-button reported the tap: an accept of the reminder template → create the reminder. */
    async onRemindResult(e: Ev<SubscribeResultDetail, { eventId: string }>) {
      const eventId = e.currentTarget.dataset.eventId;
      if (!e.detail.outcome.accepted.includes(EVENT_REMINDER_TEMPLATE)) return; // the button already told the user
      try {
        const r = await call<{ reminderId: string; dueAt: number }>('reminders', 'create', { eventId, minutesBefore: REMIND_MINUTES_BEFORE });
        this.markReminder(eventId, r.reminderId, r.dueAt);
        toast(`将在开始前 ${REMIND_MINUTES_BEFORE} 分钟提醒你`, 'success');
      } catch (err) {
        await alert('设置提醒失败', messageOf(err));
      }
      await this.refresh();
    },

    /** "重新订阅提醒" after a reminder went unsent: the button recorded the new grant (for the next reminder). */
    async onResubscribeResult(e: Ev<SubscribeResultDetail, { eventId: string }>) {
      if (!e.detail.outcome.accepted.includes(EVENT_REMINDER_TEMPLATE)) return; // the button already told the user
      toast('已重新订阅，下次提醒会正常发送', 'success');
      await this.refresh();
    },

    markReminder(eventId: string, reminderId: string, dueAt: number) {
      const reminderText = reminderLabel({ dueAt, status: 'pending' });
      this.setData({ rows: this.data.rows.map((r) => (r.id === eventId ? { ...r, reminderId, reminderText, reminderWarn: false, canRemind: false, canResubscribe: false } : r)) });
    },

    async onCancel(e: Tap<{ reminderId: string }>) {
      const reminderId = e.currentTarget.dataset.reminderId;
      if (!(await confirm('取消提醒', '确定不再提醒这个活动吗？', '取消提醒'))) return;
      try {
        await call('reminders', 'cancel', { reminderId });
        toast('已取消提醒', 'success');
      } catch (err) {
        await alert('取消失败', messageOf(err));
      }
      await this.refresh();
    },
  },
});
