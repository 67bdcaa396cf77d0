// Test support: the demo templates of config/templates.json exactly as core reads them (core/template/registry.ts
// declaredTemplates), so tests take titles, kinds, keywords and enum values from the one declaration, not a copy.
import templatesConfig from '../../config/templates.json';
import { declaredTemplates, templateView, type TemplateDoc, type TemplateView, type WechatTemplate } from '../../core/template/registry';

export const DECLARED: readonly TemplateDoc[] = declaredTemplates(templatesConfig as { templates: WechatTemplate[] });

/** The declared template `id`; throws for an id config/templates.json does not declare. */
export function declaredTemplate(id: string): TemplateDoc {
  const t = DECLARED.find((d) => d._id === id);
  if (!t) throw new Error(`config/templates.json declares no template ${id}`);
  return t;
}

/** What `templates.list` answers for the declared templates (all of them, or `ids` in that order). */
export function declaredViews(ids: readonly string[] = DECLARED.map((d) => d._id)): TemplateView[] {
  return ids.map((id) => templateView(declaredTemplate(id)));
}
