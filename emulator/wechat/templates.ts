// Emulator layer (WeChat simulator): the template-management cloud calls of subscribeMessage ([MMM-MIRROR], docs/platform-facts.md §4).
// Inputs arrive snake_cased by wx-server-sdk (kidList → kid_list, sceneDesc → scene_desc, priTmplId → pri_tmpl_id);
// the documented HTTPS spelling (camelCase) is accepted too. Answers use WeChat's camelCase field names.
import type { SimCore, WxBody } from './core';

/** The private-template maximum is NOT FOUND in the docs (only its error 200012); 50 is the simulator's choice. */
export const MAX_PRIVATE_TEMPLATES = 50;

const pick = (p: Record<string, unknown>, ...names: string[]): unknown => names.map((n) => p[n]).find((v) => v !== undefined);
const asInt = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
};

export function getTemplateList(core: SimCore): WxBody {
  const data = [...core.templates.values()].map((t) => ({
    priTmplId: t.priTmplId,
    title: t.title,
    content: t.content,
    example: t.example,
    type: t.type,
    ...(t.keywordEnumValueList ? { keywordEnumValueList: t.keywordEnumValueList } : {}),
  }));
  return core.ok({ data });
}

export function getCategory(core: SimCore): WxBody {
  return core.ok({ data: core.categories });
}

export function getPubTemplateKeyWordsById(core: SimCore, p: Record<string, unknown>): WxBody {
  const tid = asInt(p.tid);
  if (tid === undefined) return core.fail(200002, 'invalid args');
  const pub = core.publicTemplates.find((t) => t.tid === tid);
  if (!pub) return core.fail(200014, 'invalid tid');
  return core.ok({ count: pub.keywords.length, data: pub.keywords.map(({ kid, name, example, rule }) => ({ kid, name, example, rule })) });
}

export function getPubTemplateTitleList(core: SimCore, p: Record<string, unknown>): WxBody {
  const idsRaw = p.ids;
  if (idsRaw === undefined || idsRaw === '') return core.fail(200018, 'category ids missing');
  const ids = String(idsRaw).split(',').map((s) => asInt(s.trim()));
  if (ids.some((i) => i === undefined)) return core.fail(200019, 'invalid category ids');
  const start = asInt(p.start ?? 0);
  if (start === undefined || start < 0) return core.fail(200016, 'invalid start');
  const limit = asInt(p.limit ?? 30);
  if (limit === undefined || limit < 1 || limit > 30) return core.fail(200017, 'invalid limit');
  const all = core.publicTemplates.filter((t) => ids.includes(t.categoryId));
  const data = all.slice(start, start + limit).map(({ tid, title, type, categoryId }) => ({ tid, title, type, categoryId }));
  return core.ok({ count: all.length, data });
}

export function addTemplate(core: SimCore, p: Record<string, unknown>): WxBody {
  const tid = asInt(p.tid);
  const pub = tid === undefined ? undefined : core.publicTemplates.find((t) => t.tid === tid);
  if (!pub) return core.fail(200014, 'invalid tid');
  const kidList = pick(p, 'kid_list', 'kidList');
  // kidList: 2–5 keyword ids of that tid, no duplicates, any order (the card follows kidList's order).
  const kids = Array.isArray(kidList) ? kidList.map(asInt) : [];
  const known = new Set(pub.keywords.map((k) => k.kid));
  if (kids.length < 2 || kids.length > 5 || kids.some((k) => k === undefined || !known.has(k)) || new Set(kids).size !== kids.length) {
    return core.fail(200020, 'invalid kidList');
  }
  const sceneDesc = pick(p, 'scene_desc', 'sceneDesc');
  if (sceneDesc !== undefined && (typeof sceneDesc !== 'string' || [...sceneDesc].length > 15)) {
    return core.fail(200021, 'invalid sceneDesc');
  }
  const sameSet = (a: readonly number[]) => a.length === kids.length && a.every((k) => kids.includes(k));
  if ([...core.templates.values()].some((t) => t.title === pub.title && t.tid === tid && sameSet(t.kidList ?? []))) {
    return core.fail(200022, 'template with the same title and keywords already exists');
  }
  if (core.templates.size >= MAX_PRIVATE_TEMPLATES) return core.fail(200012, 'private template count reached limit');
  const chosen = kids.flatMap((kid) => pub.keywords.filter((k) => k.kid === kid));
  const enums = chosen.filter((k) => k.enumValueList).map((k) => ({ keywordCode: `${k.rule}${k.kid}.DATA`, enumValueList: k.enumValueList ?? [] }));
  const priTmplId = core.nextTemplateId(pub.tid);
  core.templates.set(priTmplId, {
    priTmplId,
    title: pub.title,
    type: pub.type,
    // Placeholder key = rule + kid, e.g. kid 2 with rule time → {{time2.DATA}}.
    content: chosen.map((k) => `${k.name}:{{${k.rule}${k.kid}.DATA}}\n`).join(''),
    example: chosen.map((k) => `${k.name}:${k.example}\n`).join(''),
    tid: pub.tid,
    kidList: chosen.map((k) => k.kid),
    ...(enums.length ? { keywordEnumValueList: enums } : {}),
  });
  core.log(`wechat addTemplate tid=${pub.tid} kids=${kids.join(',')} → ${priTmplId}`);
  return core.ok({ priTmplId });
}

export function deleteTemplate(core: SimCore, p: Record<string, unknown>): WxBody {
  const id = pick(p, 'pri_tmpl_id', 'priTmplId');
  if (typeof id !== 'string' || id === '') return core.fail(20002, 'invalid args');
  // [MMM-MIRROR] deleteTemplate 20001: system error, including "no such template under this account".
  if (!core.templates.delete(id)) return core.fail(20001, 'template not exist');
  return core.ok();
}
