// Adapters: the `templates` collection on cloud.database() (TemplateStore of core/template/registry.ts), and the one
// template lookup every function reads: the stored registry first, then the templates declared in
// config/templates.json (which alone apply before `setup` created the collection).
import { createRegistry, declaredTemplates, type TemplateDoc, type TemplateLookup, type TemplateStore, type WechatTemplate } from '../../core/template/registry';
import templatesConfig from '../../config/templates.json';
import { db, type Doc } from '../db';
import { orIfMissing } from '../db-errors';

const COLLECTION = 'templates';

function toDoc(raw: Doc | null | undefined): TemplateDoc | null {
  if (!raw || typeof raw._id !== 'string') return null;
  return raw as unknown as TemplateDoc;
}


export function createTemplateStore(): TemplateStore {
  return {
    async list() {
      // A registry holds a few dozen templates at most ([MMM-MIRROR] private-template cap); one page of 100 is enough.
      // Before `setup` created the collection, the declared templates (config/templates.json) still apply.
      return orIfMissing(async () => {
        const res = await db().collection(COLLECTION).limit(100).get();
        return res.data.map(toDoc).filter((d): d is TemplateDoc => d !== null);
      }, []);
    },
    async get(id) {
      return orIfMissing(async () => toDoc((await db().collection(COLLECTION).doc(id).get()).data), null);
    },
    async put(doc) {
      const { _id, ...data } = doc;
      await db().collection(COLLECTION).doc(_id).set({ data: data as unknown as Doc });
    },
    async remove(id) {
      await db().collection(COLLECTION).doc(id).remove();
    },
  };
}

/** The templates of config/templates.json, as registry documents. */
export const DECLARED_TEMPLATES = declaredTemplates(templatesConfig as { templates: WechatTemplate[] });

/** The one template lookup (core/template/registry.ts TemplateLookup) on the `templates` collection. */
export function createTemplateLookup(): TemplateLookup {
  return createRegistry(createTemplateStore(), DECLARED_TEMPLATES);
}
