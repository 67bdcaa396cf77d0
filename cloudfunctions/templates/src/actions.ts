// Function `templates`: the admin action table (schemas + which core use case each action runs).
import { z } from 'zod';
import { action, type ActionTable } from '../../../core/actions';
import { str, templateId } from '../../../core/schema';
import type { SendingDeps } from '../../../core/sending/ports';
import { previewMessage, testSend } from '../../../core/sending/test-send';
import { syncTemplates, templateView, type TemplateSource, type TemplateStore } from '../../../core/template/registry';

export interface TemplatesDeps {
  sending: SendingDeps;
  store: TemplateStore;
  source: TemplateSource;
}

/** Keyword values: keys like `thing1` / `character_string2`; text (≤ 200) or epoch ms (for time/date with normalise). */
const data = z
  .record(z.string().regex(/^[a-z_]{1,32}\d{0,3}$/, 'must be a keyword key such as thing1'), z.union([z.string().max(200), z.number().finite()]))
  .refine((d) => Object.keys(d).length <= 20, 'at most 20 keywords');
// [SEND-NEW] §1.2 page: a page of this mini program, query allowed.
const page = str(256).regex(/^[A-Za-z0-9_\-/]+(\?[^\s]*)?$/, 'must be a page path such as pages/index/index?foo=bar');
const openid = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'must be an openid');

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
