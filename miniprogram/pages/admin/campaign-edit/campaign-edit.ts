// Mini program admin page: campaign editor — template picker, keyword fields checked live by `templates.preview`
// (debounced), page, audience (tags / attributes) and its preview, delivery options (quiet hours, frequency cap,
// version, language), card preview, test send (results by nickname, in Chinese), schedule in Asia/Shanghai.
import { call, messageOf } from '../../../lib/api';
import {
  cleanPage, createPayload, emptyForm, errorsByKey, fieldViews, formFromCampaign, localProblems, PAGE_RE, schedulePayload,
  updatePatch,
  type CampaignForm, type FieldView,
} from '../../../lib/campaign-form';
import { choiceIndex, LANG_CHOICES, STATE_CHOICES } from '../../../lib/campaign-options';
import { zoneText } from '../../../lib/campaign-view';
import { testSendLine } from '../../../lib/outcomes';
import { REPEAT_CHOICES, repeatIndex, seriesEditText, type SeriesEditAnswer } from '../../../lib/campaign-repeat';
import { shanghaiParts, ZONE } from '../../../lib/time';
import { debounce } from '../../../lib/timers';
import type { AudiencePreview, PreviewResponse, TemplateView, TestSendResult } from '../../../lib/types';
import { alert, toast } from '../../../lib/ui';

const PREVIEW_DEBOUNCE_MS = 400;
type Input<D extends WechatMiniprogram.IAnyObject = WechatMiniprogram.IAnyObject> =
  WechatMiniprogram.CustomEvent<{ value: string }, WechatMiniprogram.IAnyObject, D>;
type Switch = WechatMiniprogram.CustomEvent<{ value: boolean }>;
const indexesOf = (form: CampaignForm) =>
  ({ stateIndex: choiceIndex(STATE_CHOICES, form.miniprogramState), langIndex: choiceIndex(LANG_CHOICES, form.lang), repeatIndex: repeatIndex(form.repeat) });

Component({
  data: {
    id: '',
    error: '',
    templates: [] as TemplateView[],
    templateIndex: -1,
    form: emptyForm() as CampaignForm,
    stateChoices: STATE_CHOICES,
    langChoices: LANG_CHOICES,
    stateIndex: 0,
    langIndex: 0,
    repeatChoices: REPEAT_CHOICES,
    repeatIndex: 0,
    fields: [] as FieldView[],
    errors: {} as Record<string, string>,
    card: null as PreviewResponse['card'] | null,
    previewValid: false,
    problems: [] as string[],
    audience: null as AudiencePreview | null,
    testResult: '',
    seriesNote: '',
    saving: false,
    zone: ZONE,
    zoneText: `${zoneText(ZONE)} ${ZONE}`,
    zoneShort: zoneText(ZONE),
    varHint: '按模板规则实时校验；可用 {{nickname}} 等用户变量，发送时按用户替换',
    today: shanghaiParts(Date.now()).date,
  },
  methods: {
    async onLoad(query: Record<string, string | undefined>) {
      try {
        const { templates } = await call<{ templates: TemplateView[] }>('templates', 'list');
        this.setData({ templates });
        if (query['id']) {
          const { campaign } = await call<{ campaign: Record<string, unknown> }>('campaigns', 'get', { id: query['id'] });
          const form = formFromCampaign(campaign);
          const zone = typeof campaign['zone'] === 'string' ? campaign['zone'] : ZONE;
          this.setData({ id: query['id'], form, ...indexesOf(form), zone, zoneText: zone === ZONE ? `${zoneText(zone)} ${zone}` : zone, zoneShort: zoneText(zone) });
        }
        this.setData({ templateIndex: templates.findIndex((t) => t.templateId === this.data.form.templateId) });
        this.refreshFields();
        this.schedulePreview();
      } catch (e) {
        this.setData({ error: messageOf(e) });
      }
    },

    template(): TemplateView | undefined {
      return this.data.templates[this.data.templateIndex];
    },
    refreshFields() {
      this.setData({ fields: fieldViews(this.template(), this.data.form, this.data.errors) });
    },
    patch(p: Partial<CampaignForm>, preview = false) {
      const form = { ...this.data.form, ...p };
      this.setData({ form, ...indexesOf(form) });
      if (preview) this.schedulePreview();
    },

    onName(e: Input) { this.patch({ name: e.detail.value }); },
    onPage(e: Input) { this.patch({ page: e.detail.value }, true); },
    onTags(e: Input) { this.patch({ tags: e.detail.value }); },
    onDate(e: Input) { this.patch({ date: e.detail.value }); },
    onTime(e: Input) { this.patch({ time: e.detail.value }); },
    onAttributes(e: Input) { this.patch({ attributes: e.detail.value }); },
    onQuietEnabled(e: Switch) { this.patch({ quietEnabled: !!e.detail.value }); },
    onQuietStart(e: Input) { this.patch({ quietStart: e.detail.value }); },
    onQuietEnd(e: Input) { this.patch({ quietEnd: e.detail.value }); },
    onCapEnabled(e: Switch) { this.patch({ capEnabled: !!e.detail.value }); },
    onCapMax(e: Input) { this.patch({ capMax: e.detail.value }); },
    onCapPerHours(e: Input) { this.patch({ capPerHours: e.detail.value }); },
    onState(e: Input) { this.patch({ miniprogramState: STATE_CHOICES[Number(e.detail.value)]?.value ?? '' }); },
    onLang(e: Input) { this.patch({ lang: LANG_CHOICES[Number(e.detail.value)]?.value ?? '' }); },
    onRepeat(e: Input) { this.patch({ repeat: REPEAT_CHOICES[Number(e.detail.value)]?.value ?? '' }); },
    onRepeatWeekdays(e: Input) { this.patch({ repeatWeekdays: e.detail.value }); },
    onRepeatDay(e: Input) { this.patch({ repeatDay: e.detail.value }); },
    onLocalTime(e: Switch) { this.patch({ localTime: !!e.detail.value }); },
    onDailyBudget(e: Input) { this.patch({ dailyBudget: e.detail.value }); },
    onAudienceKind(e: Input) { this.patch({ audienceKind: e.detail.value === 'segment' || e.detail.value === 'list' ? e.detail.value : 'all' }); },
    onAnyTags(e: Input) { this.patch({ anyTags: e.detail.value }); },
    onNotTags(e: Input) { this.patch({ notTags: e.detail.value }); },
    onNotAttributes(e: Input) { this.patch({ notAttributes: e.detail.value }); },
    onOpenids(e: Input) { this.patch({ openids: e.detail.value }); },
    onTemplate(e: Input) {
      const templateIndex = Number(e.detail.value);
      const tpl = this.data.templates[templateIndex];
      this.setData({ templateIndex, errors: {}, card: null });
      this.patch({ templateId: tpl?.templateId ?? '' }, true);
      this.refreshFields();
    },
    onField(e: Input<{ key: string }>) {
      const key = e.currentTarget.dataset.key;
      this.patch({ data: { ...this.data.form.data, [key]: e.detail.value } }, true);
      this.refreshFields();
    },

    schedulePreview() {
      debounce(this, 'preview', PREVIEW_DEBOUNCE_MS, () => void this.preview());
    },
    /** Keyword rules live in the templates function; only fields already typed into show their errors. */
    async preview() {
      const tpl = this.template();
      if (!tpl) return;
      const data: Record<string, string> = {};
      for (const [k, v] of Object.entries(this.data.form.data)) if (v) data[k] = v;
      try {
        const page = cleanPage(this.data.form.page);
        const r = await call<PreviewResponse>('templates', 'preview', {
          templateId: tpl.templateId, data, ...(page && PAGE_RE.test(page) ? { page } : {}),
        });
        const errors = errorsByKey(r.errors.filter((x) => data[x.key] !== undefined), tpl);
        this.setData({ errors, card: r.card, previewValid: r.valid });
        this.refreshFields();
      } catch (e) {
        this.setData({ error: messageOf(e) });
      }
    },

    /** Creates or updates the draft; returns its id, or '' when something is missing. */
    async save(): Promise<string> {
      const problems = localProblems(this.data.form, this.template());
      this.setData({ problems });
      if (problems.length) return '';
      const tpl = this.template();
      this.setData({ saving: true });
      try {
        let id = this.data.id;
        if (id) {
          const r = await call<{ occurrences?: SeriesEditAnswer }>('campaigns', 'update', { id, patch: updatePatch(this.data.form, tpl) });
          // A scheduled series: the edit reached its occurrences that had not started (or not: say which).
          this.setData({ seriesNote: seriesEditText(r.occurrences) });
        } else id = (await call<{ id: string }>('campaigns', 'create', createPayload(this.data.form, tpl))).id;
        this.setData({ id });
        return id;
      } catch (e) {
        await alert('保存失败', messageOf(e));
        return '';
      } finally {
        this.setData({ saving: false });
      }
    },

    async onSave() {
      if (await this.save()) toast('已保存', 'success');
    },
    async onPreviewAudience() {
      const id = await this.save();
      if (!id) return;
      try {
        this.setData({ audience: await call<AudiencePreview>('campaigns', 'previewAudience', { id }) });
      } catch (e) {
        await alert('预估失败', messageOf(e));
      }
    },
    async onTestSend() {
      const id = await this.save();
      if (!id) return;
      try {
        const r = await call<{ results?: TestSendResult[] }>('campaigns', 'testSend', { id });
        const results = r.results ?? [];
        // The tester's nickname (or a masked openid) and the result in Chinese (lib/outcomes.ts REASON_TEXT).
        this.setData({ testResult: `测试发送 ${results.length} 条：${results.map(testSendLine).join('；')}` });
      } catch (e) {
        await alert('测试发送失败', messageOf(e));
      }
    },
    async onSchedule() {
      const when = schedulePayload(this.data.form, Date.now(), this.data.zone);
      if (!when.ok) {
        this.setData({ problems: [when.message] });
        return;
      }
      const id = await this.save();
      if (!id) return;
      try {
        await call('campaigns', 'schedule', { id, ...(when.sendAt ? { sendAt: when.sendAt } : {}), zone: when.zone });
        toast('已排期', 'success');
        wx.redirectTo({ url: `/pages/admin/campaign-detail/campaign-detail?id=${encodeURIComponent(id)}` });
      } catch (e) {
        await alert('排期失败', messageOf(e));
      }
    },
  },
});
