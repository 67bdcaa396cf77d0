// Build (type level, compiled by the root `tsc -p .` in `npm run typecheck`; nothing here runs): every type the mini
// program copies from core (miniprogram/lib/types.ts, api-errors.ts, campaign-options.ts, campaign-view.ts,
// event-view.ts, template-kinds.ts) is EXACTLY the core type, so a field added, renamed, made optional or narrowed on one side alone fails the typecheck.
// The mini program root cannot import core/ at run time, hence the copies; this file is what keeps them honest.
// Where a copy deliberately differs (a view-model subset) the difference is written out below with Pick/Omit.
// Behaviour that types cannot see (which actions each status allows, the template kinds) is compared with core at
// run time in test/miniprogram/parity.test.ts.
import type { CampaignStatus as CoreCampaignStatus, Campaign, Audience as CoreAudience, FrequencyCap as CoreFrequencyCap, QuietHours as CoreQuietHours } from '../../core/campaigns/model';
import type { analyticsOf, campaignStats, CampaignView, listCampaigns, previewAudience } from '../../core/campaigns/read';
import type { TestSendResult as CoreTestSendResult } from '../../core/campaigns/ports';
import type { FunnelStage as CoreFunnelStage, Outcome as CoreOutcome } from '../../core/outcomes';
import type { CampaignStats as CoreCampaignStats, Progress as CoreProgress } from '../../core/campaigns/stats';
import type { DeliveryStatus as CoreDeliveryStatus } from '../../core/delivery';
import type { ErrorCode } from '../../core/envelope';
import type { GrantResult as CoreGrantResult, GrantView as CoreGrantView, TemplateKind as CoreGrantKind } from '../../core/grants/model';
import type { ConsentHistoryEntry as CoreConsentHistoryEntry, exportHistory, readHistory } from '../../core/grants/history';
import type { recordTap } from '../../core/grants/record';
import type { grantViews } from '../../core/grants/views';
import type { listEvents } from '../../core/reminders/use-cases';
import type { PreviewResult } from '../../core/sending/test-send';
import type { addFromLibrary, Category as CoreCategory, listTitles, PublicKeyword as CorePublicKeyword, PublicTitle as CorePublicTitle } from '../../core/template/library';
import type { TemplateKeyword as CoreTemplateKeyword, TemplateKind as CoreTemplateKind, TemplateView as CoreTemplateView } from '../../core/template/registry';
import type { ValidationError } from '../../core/template/validate';
import type { ServerErrorCode } from '../../miniprogram/lib/api-errors';
import type { LANG_CHOICES, STATE_CHOICES } from '../../miniprogram/lib/campaign-options';
import type { CAMPAIGN_ACTIONS, STATUS_TEXT } from '../../miniprogram/lib/campaign-view';
import type { REMINDER_STATUS } from '../../miniprogram/lib/event-view';
import type { TemplateKind as MpTemplateKind } from '../../miniprogram/lib/template-kinds';
import type * as mp from '../../miniprogram/lib/types';

/** True only when A and B are the same type (optional vs `| undefined`, readonly and `any` all count). */
export type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only when T is `true`: a drift fails at the line of its `Assert` ("Type 'false' does not satisfy the constraint 'true'"). */
export type Assert<T extends true> = T;
/** Flattens intersections into one object type, so `A & { x }` compares equal to an interface with the same fields. */
type Flat<T> = { [K in keyof T]: T[K] };
type Not<T extends boolean> = T extends true ? false : true;
type Result<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;

export type Checks = [
  // ---- the checker itself: it tells these apart (else every line below would pass) ----
  Assert<Not<Same<{ a?: number }, { a: number | undefined }>>>,
  Assert<Not<Same<{ a: string }, { a: string; b: number }>>>,
  Assert<Not<Same<'x' | 'y', 'x'>>>,
  Assert<Not<Same<{ a: string }, { readonly a: string }>>>,
  Assert<Not<Same<unknown, string>>>,
  Assert<Same<Flat<{ a: 1 } & { b: 2 }>, { a: 1; b: 2 }>>,

  // ---- vocabularies ----
  Assert<Same<mp.Kind, CoreGrantKind>>,
  Assert<Same<mp.Kind, CoreTemplateKind>>,
  Assert<Same<MpTemplateKind, CoreTemplateKind>>,
  Assert<Same<mp.CampaignStatus, CoreCampaignStatus>>,
  Assert<Same<mp.DeliveryStatus, CoreDeliveryStatus>>,
  Assert<Same<mp.GrantResult, CoreGrantResult>>,
  // Every error code a function can answer has a Chinese message (api-errors.ts ERROR_MESSAGES is keyed by it).
  Assert<Same<ServerErrorCode, ErrorCode>>,
  Assert<Same<mp.MiniprogramState, Campaign['miniprogramState']>>,
  Assert<Same<mp.Lang, Campaign['lang']>>,
  // The editor's pickers offer exactly the server's values, plus '' (= the app's default from config/tixing.json).
  Assert<Same<(typeof STATE_CHOICES)[number]['value'], Campaign['miniprogramState'] | ''>>,
  Assert<Same<(typeof LANG_CHOICES)[number]['value'], Campaign['lang'] | ''>>,
  // A label for every campaign status, and nothing else.
  Assert<Same<keyof typeof STATUS_TEXT, CoreCampaignStatus>>,
  Assert<Same<keyof typeof REMINDER_STATUS, CoreDeliveryStatus>>,
  // An action row for every campaign status (which actions: test/miniprogram/parity.test.ts, against core's use cases).
  Assert<Same<keyof typeof CAMPAIGN_ACTIONS, CoreCampaignStatus>>,

  // ---- subscriptions ----
  Assert<Same<mp.GrantView, CoreGrantView>>,
  Assert<Same<mp.RecordResponse, Result<typeof recordTap>>>,
  Assert<Same<mp.ListResponse, Result<typeof grantViews>>>,

  // ---- reminders ----
  Assert<Same<mp.EventView, Result<typeof listEvents>['events'][number]>>,
  Assert<Same<mp.ReminderState, NonNullable<Result<typeof listEvents>['events'][number]['reminder']>>>,

  // ---- templates ----
  Assert<Same<mp.TemplateKeyword, CoreTemplateKeyword>>,
  Assert<Same<mp.TemplateView, CoreTemplateView>>,
  Assert<Same<mp.PreviewError, ValidationError>>,
  Assert<Same<mp.PreviewResponse, PreviewResult>>,
  Assert<Same<mp.LibraryCategory, CoreCategory>>,
  Assert<Same<mp.LibraryTitle, CorePublicTitle>>,
  Assert<Same<mp.LibraryKeyword, CorePublicKeyword>>,
  Assert<Same<mp.TitlesResponse, Result<typeof listTitles>>>,
  Assert<Same<mp.AddTemplateResponse, Result<typeof addFromLibrary>>>,

  // ---- consent history (我的订阅 → 授权记录) ----
  Assert<Same<mp.ConsentHistoryEntry, CoreConsentHistoryEntry>>,
  Assert<Same<mp.HistoryResponse, Result<typeof readHistory>>>,
  Assert<Same<mp.ExportResponse, Result<typeof exportHistory>>>,

  // ---- campaigns ----
  Assert<Same<mp.Progress, CoreProgress>>,
  Assert<Same<mp.Outcome, CoreOutcome>>,
  Assert<Same<mp.FunnelStage, CoreFunnelStage>>,
  Assert<Same<mp.AnalyticsResponse, Flat<Result<typeof analyticsOf>>>>,
  Assert<Same<mp.TestSendResult, CoreTestSendResult>>,
  Assert<Same<mp.CampaignSummary, Result<typeof listCampaigns>['campaigns'][number]>>,
  Assert<Same<mp.CampaignStats, CoreCampaignStats>>,
  Assert<Same<Flat<mp.CampaignStatsResponse>, Flat<Result<typeof campaignStats>>>>,
  Assert<Same<mp.AudiencePreview, Result<typeof previewAudience>>>,
  Assert<Same<mp.Audience, CoreAudience>>,
  Assert<Same<mp.QuietHours, CoreQuietHours>>,
  Assert<Same<mp.FrequencyCap, CoreFrequencyCap>>,
  // Deliberate subset: campaigns.get answers the whole CampaignView; the pages read only these fields. The server's
  // bookkeeping (`_id`, counters, cursor, createdBy/createdAt/updatedAt, startedAt/completedAt, quarantineReason,
  // sendAtDisplay) is left out. A field the pages need is added to both the Pick here and mp.CampaignDetail.
  Assert<
    Same<
      mp.CampaignDetail,
      Flat<
        Pick<
          CampaignView,
          | 'id' | 'name' | 'templateId' | 'data' | 'page' | 'audience' | 'sendAt' | 'sendAtLocal' | 'zone' | 'quietHours'
          | 'frequencyCap' | 'miniprogramState' | 'lang' | 'status'
        >
      >
    >
  >,
];
