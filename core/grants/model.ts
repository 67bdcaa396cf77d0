import type { TemplateDoc } from '../template/registry';

// Core (grants): the grant document, its deterministic id, the status vocabulary and the view the client reads.

export type TemplateKind = 'one-time' | 'long-term';
/** Normalised popup/settings status. [RSM-MD] accept | reject | ban | filter; any `accept*` counts as accept. */
export type GrantResult = 'accept' | 'reject' | 'ban' | 'filter';
/** Where an observation came from: the mini program's report, a WeChat push, or the server itself (43101, revoke). */
export type ConsentSource = 'client' | 'event' | 'server';

/** Tokens kept on a grant document to make re-applied observations no-ops (bounded, newest last). */
export const TOKEN_WINDOW = 64;

/** One document per (openid, templateId). Counters are never negative. */
export interface GrantDoc {
  _id: string;
  openid: string;
  templateId: string;
  kind: TemplateKind;
  /** One-time sends left (long-term grants do not use it). */
  remaining: number;
  /** Long-term subscription on (an accept turns it on; a reject change event or a revoke turns it off). */
  active: boolean;
  /** Accepts reported by the client / by popup events (each deduplicated by its token). */
  acceptsClient: number;
  acceptsEvent: number;
  /** max(0, acceptsClient - acceptsEvent) and max(0, acceptsEvent - acceptsClient): see ledger.ts. */
  clientLead: number;
  eventLead: number;
  /** Total +1s applied to `remaining` (= max(acceptsClient, acceptsEvent) for one-time templates). */
  granted: number;
  lastResult: GrantResult | null;
  lastResultAt: number | null;
  lastZeroReason?: string;
  /** Recent observation tokens (`c:<requestId>`, `e:<CreateTime>`, `x:<CreateTime>`), at most TOKEN_WINDOW. */
  tokens: string[];
  /** Tokens of claims that reserved one send here and have not settled it yet (core/grants/holds.ts). */
  holds?: string[];
  /**
   * Purpose holds (`p:<purpose>`): one-time sends taken out of `remaining` and kept for one purpose each (a reminder,
   * a notify purpose), so campaigns — which only reserve from `remaining` — never spend them (core/grants/holds.ts).
   */
  purposeHolds?: string[];
  createdAt: number;
  updatedAt: number;
}

export function grantId(openid: string, templateId: string): string {
  return `g:${openid}:${templateId}`;
}

export function newGrantDoc(openid: string, templateId: string, kind: TemplateKind, now: number): GrantDoc {
  return {
    _id: grantId(openid, templateId),
    openid,
    templateId,
    kind,
    remaining: 0,
    active: false,
    acceptsClient: 0,
    acceptsEvent: 0,
    clientLead: 0,
    eventLead: 0,
    granted: 0,
    lastResult: null,
    lastResultAt: null,
    tokens: [],
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * [RSM-MD] statuses accept/reject/ban/filter; [COMM-ACCEPTWITH] undocumented `acceptWithAlert`,
 * `acceptWithForcePush`, [SUBMSG-GUIDE-COPY] `acceptWithAudio`: anything starting with "accept" is consent.
 * Unknown statuses give null (logged, never counted).
 */
export function normaliseStatus(status: unknown): GrantResult | null {
  if (typeof status !== 'string') return null;
  if (status.startsWith('accept')) return 'accept';
  if (status === 'reject' || status === 'ban' || status === 'filter') return status;
  return null;
}

/** "Always keep" from getSetting itemSettings ([SUBSETTING]: accept | reject | ban, accept* variants seen). */
export function normaliseAlwaysKeep(status: unknown): 'accept' | 'reject' | 'ban' | null {
  const s = normaliseStatus(status);
  return s === 'filter' ? null : s;
}

/** What the mini program reads (`subscriptions.list`). remaining -1 = unlimited (active long-term). */
export interface GrantView {
  templateId: string;
  title: string;
  kind: TemplateKind;
  remaining: number;
  lastResult: GrantResult | null;
  alwaysKeep: 'accept' | 'reject' | 'ban' | null;
  updatedAt: number | null;
}

/** What a grant view needs of a template (core/template/registry.ts TemplateDoc). */
export type TemplateInfo = Pick<TemplateDoc, '_id' | 'title' | 'kind'>;

export function toView(t: TemplateInfo, doc: GrantDoc | null | undefined, alwaysKeep: GrantView['alwaysKeep']): GrantView {
  // Units held for a purpose are still the user's sends: the user sees them (held counts stay out of campaigns only).
  const remaining = t.kind === 'long-term' ? (doc?.active ? -1 : 0) : Math.max(0, doc?.remaining ?? 0) + (doc?.purposeHolds?.length ?? 0);
  return {
    templateId: t._id,
    title: t.title,
    kind: t.kind,
    remaining,
    lastResult: doc?.lastResult ?? null,
    alwaysKeep,
    updatedAt: doc?.updatedAt ?? null,
  };
}
