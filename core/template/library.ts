// Core layer (pure): WeChat's public template library in the product — browse categories and titles, read a
// title's keywords, add a private template with chosen keywords, delete one ([MMM-MIRROR], docs/platform-facts.md §4).
// After an add or a delete the registry (core/template/registry.ts, stored by adapters/stores/templates.ts) is
// brought in line, so the new template can be sent at once and a deleted one is refused with UNKNOWN_TEMPLATE.
import { DomainError, type ErrorCode } from '../envelope';
import { describeCloudCallError } from '../sending/outcomes';
import { syncTemplates, templateView, type TemplateSource, type TemplateStore, type TemplateView } from './registry';

/** [MMM-MIRROR] addTemplate: kidList holds 2 to 5 keyword ids (any order, the card follows it). */
export const MIN_KEYWORDS = 2;
export const MAX_KEYWORDS = 5;
/** [MMM-MIRROR] addTemplate: sceneDesc is 15 characters at most. */
export const MAX_SCENE_DESC = 15;
/** [MMM-MIRROR] getPubTemplateTitleList: limit is 30 at most. */
export const MAX_TITLES_PAGE = 30;

export interface Category {
  id: number;
  name: string;
}

export interface PublicTitle {
  tid: number;
  title: string;
  /** [MMM-MIRROR] type 2 = one-time, 3 = long-term. */
  kind: 'one-time' | 'long-term';
  categoryId: number;
}

export interface PublicKeyword {
  kid: number;
  name: string;
  example: string;
  /** The keyword type (thing, time, phrase…, docs/platform-facts.md §2). */
  rule: string;
}

/** A cloud call's answer, vendor exceptions already turned into a result by the adapter. */
export type CallResult<T> = { ok: true; value: T } | { ok: false; errCode: number; errMsg: string };

/** The template-management cloud calls (adapters/template-library.ts). */
export interface TemplateLibrary {
  categories(): Promise<CallResult<{ id: number; name: string }[]>>;
  titles(q: { ids: number[]; start: number; limit: number }): Promise<CallResult<{ count: number; data: { tid: number; title: string; type: number; categoryId: number }[] }>>;
  keywords(tid: number): Promise<CallResult<{ count: number; data: PublicKeyword[] }>>;
  add(req: { tid: number; kidList: number[]; sceneDesc: string }): Promise<CallResult<{ priTmplId: string }>>;
  remove(priTmplId: string): Promise<CallResult<null>>;
}

export interface LibraryDeps {
  library: TemplateLibrary;
  store: TemplateStore;
  source: TemplateSource;
  clock: { now(): number };
  /** Ids declared in config/templates.json: the app's own templates, never deleted from here. */
  declaredIds: ReadonlySet<string>;
}

/** WeChat errcodes of these calls → the client's code and a sentence it can show ([MMM-MIRROR] code lists). */
const KNOWN: Record<number, [ErrorCode, string]> = {
  200011: ['FORBIDDEN', 'the account is banned from subscription templates'],
  200012: ['CONFLICT', "the account's private template limit is reached: delete a template first"],
  200013: ['FORBIDDEN', 'this library template is banned'],
  200014: ['NOT_FOUND', 'no such template (tid or template id)'],
  200016: ['INVALID_INPUT', 'start is invalid'],
  200017: ['INVALID_INPUT', 'limit is invalid (1 to 30)'],
  200018: ['INVALID_INPUT', 'category ids are missing'],
  200019: ['INVALID_INPUT', 'category ids are invalid'],
  200020: ['INVALID_INPUT', 'kidList is invalid: 2 to 5 distinct keyword ids of this title'],
  200021: ['INVALID_INPUT', 'sceneDesc is invalid (15 characters at most)'],
  200022: ['CONFLICT', 'a template with this title and these keywords is already in the account'],
};

function callError(api: string, res: { errCode: number; errMsg: string }): DomainError {
  const details = { errCode: res.errCode, errMsg: res.errMsg.slice(0, 200) };
  // [OPENAPI-GUIDE] -604101: the call is missing from config.json permissions.openapi.
  if (res.errCode === -604101 || res.errCode === -601004) {
    return new DomainError('MISSING_PERMISSION', describeCloudCallError(`subscribeMessage.${api}`, res.errCode, res.errMsg), details);
  }
  const known = KNOWN[res.errCode];
  if (known) return new DomainError(known[0], `${api}: ${known[1]} (${res.errCode})`, details);
  return new DomainError('INTERNAL', describeCloudCallError(`subscribeMessage.${api}`, res.errCode, res.errMsg), details);
}

function unwrap<T>(api: string, res: CallResult<T>): T {
  if (!res.ok) throw callError(api, res);
  return res.value;
}

export async function listCategories(deps: Pick<LibraryDeps, 'library'>): Promise<{ categories: Category[] }> {
  const data = unwrap('getCategory', await deps.library.categories());
  return { categories: data.map((c) => ({ id: c.id, name: c.name })) };
}

export async function listTitles(
  deps: Pick<LibraryDeps, 'library'>,
  input: { categoryIds: number[]; start?: number; limit?: number },
): Promise<{ count: number; start: number; titles: PublicTitle[] }> {
  const start = input.start ?? 0;
  const limit = Math.min(input.limit ?? MAX_TITLES_PAGE, MAX_TITLES_PAGE);
  const res = unwrap('getPubTemplateTitleList', await deps.library.titles({ ids: input.categoryIds, start, limit }));
  const titles = res.data.map((t): PublicTitle => ({ tid: t.tid, title: t.title, kind: t.type === 3 ? 'long-term' : 'one-time', categoryId: t.categoryId }));
  return { count: res.count, start, titles };
}

export async function listKeywords(deps: Pick<LibraryDeps, 'library'>, input: { tid: number }): Promise<{ tid: number; keywords: PublicKeyword[] }> {
  const res = unwrap('getPubTemplateKeyWordsById', await deps.library.keywords(input.tid));
  return { tid: input.tid, keywords: res.data.map((k) => ({ kid: k.kid, name: k.name, example: k.example, rule: k.rule })) };
}

/**
 * addTemplate, then a sync so the registry holds the new template (its keywords parsed from getTemplateList's
 * content) and a message can be sent with it at once. Idempotent under a retry: if the first run died after WeChat
 * added the template, the retry's 200022 syncs too, so the registry has it, and answers CONFLICT.
 */
export async function addFromLibrary(
  deps: LibraryDeps,
  input: { tid: number; kidList: number[]; sceneDesc: string },
): Promise<{ templateId: string; template: TemplateView | null; synced: { added: number; updated: number; removed: number } }> {
  const res = await deps.library.add(input);
  if (!res.ok) {
    if (res.errCode === 200022) await syncTemplates(deps);
    throw callError('addTemplate', res);
  }
  const synced = await syncTemplates(deps);
  const doc = await deps.store.get(res.value.priTmplId);
  return { templateId: res.value.priTmplId, template: doc ? templateView(doc) : null, synced };
}

/**
 * deleteTemplate, then the registry copy goes. Templates declared in config/templates.json are refused (the
 * registry would still answer them from the config). Idempotent: a retry after WeChat deleted it gets 20001; when
 * getTemplateList confirms it is gone, a registry copy left behind is removed (ok), and with none left: NOT_FOUND.
 */
export async function deleteFromAccount(deps: LibraryDeps, input: { templateId: string }): Promise<{ templateId: string; deleted: true }> {
  const id = input.templateId;
  if (deps.declaredIds.has(id)) {
    throw new DomainError('CONFLICT', `${id} is declared in config/templates.json: remove it there (and redeploy) before deleting it from WeChat`);
  }
  const res = await deps.library.remove(id);
  if (!res.ok) {
    // [MMM-MIRROR] lists 20001 for deleteTemplate without saying what it means (the emulator answers it for an id the
    // account does not hold): never trusted alone — getTemplateList decides whether the template is gone.
    if (res.errCode !== 20001) throw callError('deleteTemplate', res);
    const list = await deps.source.fetch();
    if (!list.ok) throw callError('getTemplateList', list);
    if (list.templates.some((t) => t.priTmplId === id)) throw callError('deleteTemplate', res);
    if (!(await deps.store.get(id))) throw new DomainError('NOT_FOUND', `template ${id} is not in the account`);
  }
  await deps.store.remove(id);
  return { templateId: id, deleted: true };
}
