// Core (grants): building the GrantView list the mini program reads (every registry template, mine or not).
import { DomainError } from '../envelope';
import { GrantView, normaliseAlwaysKeep, TemplateInfo, toView } from './model';
import type { GrantsDeps } from './ports';

export async function registryMap(deps: Pick<GrantsDeps, 'registry'>): Promise<Map<string, TemplateInfo>> {
  return new Map((await deps.registry.list()).map((t) => [t._id, t]));
}

/** Refuses template ids that are not in the registry (UNKNOWN_TEMPLATE), before anything is written. */
export function requireKnown(registry: Map<string, TemplateInfo>, ids: readonly string[]): TemplateInfo[] {
  const unknown = ids.filter((id) => !registry.has(id));
  if (unknown.length > 0) {
    throw new DomainError('UNKNOWN_TEMPLATE', `not in the template registry: ${unknown.join(', ')}`, { templateIds: unknown });
  }
  return ids.map((id) => registry.get(id) as TemplateInfo);
}

export async function grantViews(
  deps: Pick<GrantsDeps, 'registry' | 'grants' | 'users'>,
  openid: string,
  only?: readonly string[],
): Promise<{ items: GrantView[]; mainSwitch: boolean | null }> {
  const [templates, docs, settings] = await Promise.all([
    deps.registry.list(),
    deps.grants.listByOpenid(openid),
    deps.users.getSettings(openid),
  ]);
  const byTemplate = new Map(docs.map((d) => [d.templateId, d]));
  const wanted = only ? templates.filter((t) => only.includes(t._id)) : templates;
  const items = wanted.map((t) => toView(t, byTemplate.get(t._id), normaliseAlwaysKeep(settings?.itemSettings[t._id])));
  return { items, mainSwitch: settings?.mainSwitch ?? null };
}
