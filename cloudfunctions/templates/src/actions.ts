// Function `templates`: the admin action table (schemas + which core use case each action runs).
import { z } from 'zod';
import { action, type ActionTable } from '../../../core/actions';
import { str, templateId } from '../../../core/schema';
import type { SendingDeps } from '../../../core/sending/ports';
import { previewMessage, testSend } from '../../../core/sending/test-send';
import {
  addFromLibrary, deleteFromAccount, listCategories, listKeywords, listTitles, MAX_KEYWORDS, MAX_SCENE_DESC, MAX_TITLES_PAGE, MIN_KEYWORDS,
  type TemplateLibrary,
} from '../../../core/template/library';
import { syncTemplates, templateView, type TemplateSource, type TemplateStore } from '../../../core/template/registry';

export interface TemplatesDeps {
  sending: SendingDeps;
  store: TemplateStore;
  source: TemplateSource;
  library: TemplateLibrary;
  /** Ids of config/templates.json (the app's own templates: `delete` refuses them). */
  declaredIds: ReadonlySet<string>;
}

/** WeChat's numeric ids (category id, tid, kid): positive integers. */
const wxId = z.number().int().positive().max(2_147_483_647);
// [MMM-MIRROR] kidList: 2 to 5 keyword ids of the title, each once, any order.
const kidList = z
  .array(wxId)
  .min(MIN_KEYWORDS, `pick at least ${MIN_KEYWORDS} keywords`)
  .max(MAX_KEYWORDS, `pick at most ${MAX_KEYWORDS} keywords`)
  .refine((k) => new Set(k).size === k.length, 'each keyword id at most once');
// [MMM-MIRROR] sceneDesc: 15 characters at most; counted in characters (code points), not bytes. Single line.
const sceneDesc = z
  .string()
  .refine((s) => s.trim().length > 0, 'describe the scene (1 to 15 characters)')
  .refine((s) => [...s].length <= MAX_SCENE_DESC, `at most ${MAX_SCENE_DESC} characters`)
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'no control characters or line breaks');

/** Keyword values: keys like `thing1` / `character_string2`; text (≤ 200) or epoch ms (for time/date with normalise). */
const data = z
  .record(z.string().regex(/^[a-z_]{1,32}\d{0,3}$/, 'must be a keyword key such as thing1'), z.union([z.string().max(200), z.number().finite()]))
  .refine((d) => Object.keys(d).length <= 20, 'at most 20 keywords');
// [SEND-NEW] §1.2 page: a page of this mini program, query allowed.
const page = str(256).regex(/^[A-Za-z0-9_\-/]+(\?[^\s]*)?$/, 'must be a page path such as pages/index/index?foo=bar');
const openid = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'must be an openid');

const libraryDeps = (deps: TemplatesDeps) => ({
  library: deps.library, store: deps.store, source: deps.source, clock: deps.sending.clock, declaredIds: deps.declaredIds,
});

export const table: ActionTable<TemplatesDeps> = {
  list: action({
    schema: z.object({}).strict(),
    admin: true,
    run: async (deps: TemplatesDeps) => ({ templates: (await deps.sending.templates.list()).map(templateView) }),
  }),
  sync: action({
    schema: z.object({}).strict(),
    admin: true,
    run: (deps: TemplatesDeps) => syncTemplates({ store: deps.store, source: deps.source, clock: deps.sending.clock }),
  }),
  categories: action({
    schema: z.object({}).strict(),
    admin: true,
    run: (deps: TemplatesDeps) => listCategories(deps),
  }),
  titles: action({
    schema: z
      .object({ categoryIds: z.array(wxId).min(1).max(20), start: z.number().int().min(0).max(100_000).optional(), limit: z.number().int().min(1).max(MAX_TITLES_PAGE).optional() })
      .strict(),
    admin: true,
    run: (deps: TemplatesDeps, input) => listTitles(deps, input),
  }),
  keywords: action({
    schema: z.object({ tid: wxId }).strict(),
    admin: true,
    run: (deps: TemplatesDeps, input) => listKeywords(deps, input),
  }),
  add: action({
    schema: z.object({ tid: wxId, kidList, sceneDesc }).strict(),
    admin: true,
    run: (deps: TemplatesDeps, input) => addFromLibrary(libraryDeps(deps), input),
  }),
  delete: action({
    schema: z.object({ templateId: templateId() }).strict(),
    admin: true,
    run: (deps: TemplatesDeps, input) => deleteFromAccount(libraryDeps(deps), input),
  }),
  preview: action({
    schema: z.object({ templateId: templateId(), data, page: page.optional(), normalise: z.boolean().optional() }).strict(),
    admin: true,
    run: (deps: TemplatesDeps, input) => previewMessage(deps.sending, input),
  }),
  testSend: action({
    schema: z
      .object({ templateId: templateId(), data, page: page.optional(), openids: z.array(openid).min(1).max(10).optional(), normalise: z.boolean().optional() })
      .strict(),
    admin: true,
    run: (deps: TemplatesDeps, input, caller) => testSend(deps.sending, caller, input),
  }),
};
