// Core layer (pure): the template registry — template documents, their WeChat source shape, sync planning,
// and lookup that merges the `templates` collection with templates declared in config/templates.json.
import { DomainError } from '../envelope';
import { describeCloudCallError } from '../sending/outcomes';
import { parseContent } from './content';

export type TemplateKind = 'one-time' | 'long-term';

export interface TemplateKeyword {
  key: string;
  label: string;
  type: string;
  enumValues?: string[];
}

/** A `templates` document; `_id` is WeChat's priTmplId. */
export interface TemplateDoc {
  _id: string;
  title: string;
  kind: TemplateKind;
  content: string;
  keywords: TemplateKeyword[];
  example?: string;
  source: 'sync' | 'config';
  syncedAt: number;
}

/** One item of getTemplateList `data[]` [MMM-MIRROR] (also the shape of config/templates.json entries). */
export interface WechatTemplate {
  priTmplId: string;
  title: string;
  content: string;
  example?: string;
  /** [MMM-MIRROR] 2 = one-time, 3 = long-term. */
  type: number;
  keywordEnumValueList?: { keywordCode: string; enumValueList: string[] }[];
}

/** What the admin pages see (the templates function's answer). */
export interface TemplateView {
  templateId: string;
  title: string;
  kind: TemplateKind;
  keywords: TemplateKeyword[];
  content: string;
  source: 'sync' | 'config';
}

export function templateView(doc: TemplateDoc): TemplateView {
  return { templateId: doc._id, title: doc.title, kind: doc.kind, keywords: doc.keywords, content: doc.content, source: doc.source };
}

/** getTemplateList item → registry document; keywords are parsed from `content` ([TPL-OLD-W3C] `{{key.DATA}}`). */
export function templateFromWechat(item: WechatTemplate, source: 'sync' | 'config', now: number): TemplateDoc {
  const enums = new Map<string, string[]>();
  // [TPL-OLD-W3C]/[TCMPP-TPL] keywordCode looks like "enum1.DATA" (format UNVERIFIED for WeChat): accept both forms.
  for (const e of item.keywordEnumValueList ?? []) enums.set(e.keywordCode.replace(/\.DATA$/, ''), [...e.enumValueList]);
  const keywords = parseContent(item.content).map((f): TemplateKeyword => {
    const values = enums.get(f.key);
    return values ? { key: f.key, label: f.label, type: f.type, enumValues: values } : { key: f.key, label: f.label, type: f.type };
  });
  const doc: TemplateDoc = {
    _id: item.priTmplId,
    title: item.title,
    kind: item.type === 3 ? 'long-term' : 'one-time',
    content: item.content,
    keywords,
    source,
    syncedAt: now,
  };
  if (item.example !== undefined && item.example !== '') doc.example = item.example;
  return doc;
}

/** Storage of `templates` documents (adapters/stores/templates.ts; tests: in memory). */
export interface TemplateStore {
  list(): Promise<TemplateDoc[]>;
  get(id: string): Promise<TemplateDoc | null>;
  put(doc: TemplateDoc): Promise<void>;
  remove(id: string): Promise<void>;
}

/** Read access every sender uses: the stored copy wins, then the templates declared in config. */
export interface TemplateLookup {
  get(id: string): Promise<TemplateDoc | null>;
  list(): Promise<TemplateDoc[]>;
}

export function createRegistry(store: TemplateStore, declared: readonly TemplateDoc[]): TemplateLookup {
  const byId = new Map(declared.map((d) => [d._id, d]));
  return {
    async get(id) {
      return (await store.get(id)) ?? byId.get(id) ?? null;
    },
    async list() {
      const stored = await store.list();
      const ids = new Set(stored.map((d) => d._id));
      return [...stored, ...declared.filter((d) => !ids.has(d._id))].sort((a, b) => a._id.localeCompare(b._id));
    },
  };
}

const sameTemplate = (a: TemplateDoc, b: TemplateDoc): boolean =>
  a.title === b.title && a.kind === b.kind && a.content === b.content && a.source === b.source &&
  JSON.stringify(a.keywords) === JSON.stringify(b.keywords) && (a.example ?? '') === (b.example ?? '');

export interface SyncPlan {
  put: TemplateDoc[];
  remove: string[];
  added: number;
  updated: number;
  removed: number;
}

/** What a sync writes: every fetched template (source `sync`); stored `sync` copies WeChat no longer has go. */
export function planSync(existing: readonly TemplateDoc[], fetched: readonly TemplateDoc[]): SyncPlan {
  const old = new Map(existing.map((d) => [d._id, d]));
  const seen = new Set(fetched.map((d) => d._id));
  let added = 0;
  let updated = 0;
  for (const doc of fetched) {
    const prev = old.get(doc._id);
    if (!prev) added += 1;
    else if (!sameTemplate(prev, doc)) updated += 1;
  }
  // Declared (`config`) documents are the team's own: a sync never removes them.
  const remove = existing.filter((d) => d.source === 'sync' && !seen.has(d._id)).map((d) => d._id);
  return { put: [...fetched], remove, added, updated, removed: remove.length };
}

/** The getTemplateList cloud call, vendor exceptions already turned into a result by the adapter. */
export interface TemplateSource {
  fetch(): Promise<{ ok: true; templates: WechatTemplate[] } | { ok: false; errCode: number; errMsg: string }>;
}

export async function syncTemplates(
  deps: { store: TemplateStore; source: TemplateSource; clock: { now(): number } },
): Promise<{ added: number; updated: number; removed: number }> {
  const res = await deps.source.fetch();
  if (!res.ok) {
    // [OPENAPI-GUIDE] -604101 = getTemplateList missing from config.json permissions.openapi: say so, do not crash.
    const why = describeCloudCallError('subscribeMessage.getTemplateList', res.errCode, res.errMsg);
    throw new DomainError(res.errCode === -604101 ? 'MISSING_PERMISSION' : 'INTERNAL', why, { errCode: res.errCode, errMsg: res.errMsg });
  }
  const now = deps.clock.now();
  const plan = planSync(await deps.store.list(), res.templates.map((t) => templateFromWechat(t, 'sync', now)));
  for (const doc of plan.put) await deps.store.put(doc);
  for (const id of plan.remove) await deps.store.remove(id);
  return { added: plan.added, updated: plan.updated, removed: plan.removed };
}

/** config/templates.json → registry documents (source `config`, syncedAt 0: never synced). */
export function declaredTemplates(config: { templates: readonly WechatTemplate[] }): TemplateDoc[] {
  return config.templates.map((t) => templateFromWechat(t, 'config', 0));
}
