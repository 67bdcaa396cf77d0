// Mini program lib (pure): the data shapes the pages receive from Tixing's functions (see the function API).

export type Kind = 'one-time' | 'long-term';

export interface GrantView {
  templateId: string;
  title: string;
  kind: Kind;
  /** -1 = unlimited (long-term). */
  remaining: number;
  lastResult: 'accept' | 'reject' | 'ban' | 'filter' | null;
  alwaysKeep: 'accept' | 'reject' | 'ban' | null;
  updatedAt: number | null;
}

export interface RecordResponse { counted: boolean; grants: GrantView[] }
export interface ListResponse { items: GrantView[]; mainSwitch: boolean | null }

export interface ReminderState { id: string; dueAt: number; status: string }
export interface EventView { id: string; title: string; place: string; startAt: number; reminder: ReminderState | null }

export interface TemplateKeyword { key: string; label: string; type: string; enumValues?: string[] }
export interface TemplateView {
  templateId: string;
  title: string;
  kind: Kind;
  keywords: TemplateKeyword[];
  content: string;
  source: 'sync' | 'config';
}

export interface PreviewError { key: string; rule: string; value: string; message: string }
export interface PreviewResponse {
  valid: boolean;
  errors: PreviewError[];
  data: Record<string, string>;
  /** `page` null: [SEND-NEW] without a page the card does not jump. */
  card: { title: string; lines: { label: string; value: string }[]; page: string | null; footer: string };
  text: string;
}

export interface Progress { targeted: number; sent: number; skipped: number; failed: number; pending: number }
export interface CampaignSummary {
  id: string;
  name: string;
  templateId: string;
  status: string;
  sendAt: number | string | null;
  /** The wall-clock time as entered, e.g. `2026-11-21 09:00` (in `zone`). */
  sendAtLocal?: string | null;
  zone: string;
  progress: Progress;
  updatedAt: number;
}

export interface CampaignStats {
  targeted: number;
  sent: number;
  skipped: Record<string, number>;
  failed: Record<string, number>;
  unknown: number;
  opened: number;
  pending: number;
  /** Deliveries dropped by a campaign cancel. */
  cancelled?: number;
}

export interface AudiencePreview { reachable: number; noGrant: number; capped: number; total: number }
