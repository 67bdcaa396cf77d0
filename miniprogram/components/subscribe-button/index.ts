// Mini program component: subscribe-button — one tap asks WeChat for up to 3 templates, tells the user the outcome,
// reports it to `subscriptions.record` (retried with the same request id) and emits `result`. Logic: lib/subscribe.
import { call, isRetryable, messageOf } from '../../lib/api';
import {
  checkRequest, feedbackFor, newRequestId, outcomeFromError, outcomeFromResult, refusedOutcome, reportPayload,
  sendWithRetry, type Outcome, type Placement,
} from '../../lib/subscribe';
import { kindLookup } from '../../lib/template-kinds';
import type { GrantView, RecordResponse } from '../../lib/types';
import { alert, guideToSettings, sleep, toast } from '../../lib/ui';

export interface SubscribeResultDetail {
  requestId: string | null;
  placement: Placement;
  outcome: Outcome;
  /** True when `subscriptions.record` answered (possibly after retries). */
  reported: boolean;
  /** False when the server had already counted this request id. */
  counted: boolean | null;
  grants: GrantView[] | null;
  reportError: string | null;
}

const REPORT_ATTEMPTS = 3;

/** [RSM-MD] Must run synchronously inside the tap handler: the platform refuses calls outside a tap. */
function askWeChat(tmplIds: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    wx.requestSubscribeMessage({
      tmplIds,
      success: (res) => resolve(outcomeFromResult(tmplIds, res as unknown as Record<string, unknown>)),
      fail: (err) => resolve(outcomeFromError(tmplIds, err)),
    });
  });
}

function showFeedback(o: Outcome): void {
  const fb = feedbackFor(o);
  if (fb.type === 'toast') toast(fb.title, fb.icon);
  else if (fb.type === 'settings') void guideToSettings(fb.title, fb.content);
  else void alert(fb.title, fb.content);
}

function currentRoute(): string {
  const pages = typeof getCurrentPages === 'function' ? getCurrentPages() : [];
  return pages[pages.length - 1]?.route ?? 'unknown';
}

Component({
  properties: {
    /** Template ids to ask for in one tap (1..3, all one-time or all long-term). */
    tmplIds: { type: Array, value: [] as string[] },
    /** Optional kinds `{ [tmplId]: 'one-time' | 'long-term' }`; defaults to the app's template registry. */
    kinds: { type: Object, value: {} },
    /** Placement reported with the result: which page and which button asked. */
    page: { type: String, value: '' },
    button: { type: String, value: 'subscribe' },
    /** Optional purpose (e.g. `order:A123`): an accepted one-time grant is held for it, so campaigns never spend it. */
    purpose: { type: String, value: '' },
    text: { type: String, value: '订阅提醒' },
    type: { type: String, value: 'primary' },
    size: { type: String, value: 'default' },
    disabled: { type: Boolean, value: false },
    /** Base delay between report retries (ms). */
    retryDelay: { type: Number, value: 800 },
  },
  data: { busy: false },
  methods: {
    onTap() {
      if (this.data.busy) return;
      const props = this.properties;
      const placement: Placement = { page: props.page || currentRoute(), button: props.button };
      const asked = (props.tmplIds as unknown[]).filter((x): x is string => typeof x === 'string');
      const check = checkRequest(asked, kindLookup(props.kinds as Record<string, unknown>));
      if (!check.ok) {
        const outcome = refusedOutcome(asked, check.message);
        showFeedback(outcome);
        this.emit({ requestId: null, placement, outcome, reported: false, counted: null, grants: null, reportError: null });
        return;
      }
      const requestId = newRequestId(Date.now(), Math.random);
      const pending = askWeChat(check.tmplIds); // synchronous call inside the tap [RSM-MD]
      this.setData({ busy: true });
      void this.finish(requestId, placement, pending);
    },

    async finish(requestId: string, placement: Placement, pending: Promise<Outcome>) {
      const outcome = await pending;
      showFeedback(outcome);
      const payload = reportPayload(requestId, placement, outcome, this.properties.purpose as string);
      const report = await sendWithRetry(
        () => call<RecordResponse>('subscriptions', 'record', payload as unknown as Record<string, unknown>),
        { attempts: REPORT_ATTEMPTS, delayMs: this.properties.retryDelay, sleep, retryable: isRetryable },
      );
      this.setData({ busy: false });
      this.emit({
        requestId,
        placement,
        outcome,
        reported: report.ok,
        counted: report.ok ? report.data.counted : null,
        grants: report.ok ? report.data.grants : null,
        reportError: report.ok ? null : messageOf(report.error),
      });
    },

    emit(detail: SubscribeResultDetail) {
      this.triggerEvent('result', detail);
    },
  },
});
