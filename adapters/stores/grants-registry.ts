// Adapters (grants stores): the template registry (the `templates` collection, then config/templates.json)
// seen as the ledger's TemplateInfo list.
import type { TemplateInfo } from '../../core/grants/model';
import type { TemplateRegistry } from '../../core/grants/ports';
import { createRegistry, declaredTemplates, type TemplateDoc, type WechatTemplate } from '../../core/template/registry';
import templatesConfig from '../../config/templates.json';
import { createTemplateStore } from './templates';

const DECLARED = declaredTemplates(templatesConfig as { templates: WechatTemplate[] });

function info(doc: TemplateDoc): TemplateInfo {
  const enumValues: Record<string, string[]> = {};
  for (const k of doc.keywords) if (k.enumValues) enumValues[k.key] = k.enumValues;
  return { templateId: doc._id, title: doc.title, kind: doc.kind, content: doc.content, enumValues };
}

export function createGrantsRegistry(): TemplateRegistry {
  const lookup = createRegistry(createTemplateStore(), DECLARED);
  return {
    async list() {
      try {
        return (await lookup.list()).map(info);
      } catch (err) {
        // The `templates` collection may not exist yet (setup not run): the declared templates still apply.
        console.warn('template registry: falling back to config/templates.json:', String((err as Error).message ?? err));
        return DECLARED.map(info);
      }
    },
  };
}
