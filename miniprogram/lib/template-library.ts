// Mini program lib (pure, no `wx`): the template-library admin page's rules — the keyword pick (order kept: the card
// lists keywords in the order they were picked), the checks made before `templates.add`, and Chinese texts for the
// answers. Limits mirror core/template/library.ts ([MMM-MIRROR]: 2 to 5 keywords, sceneDesc ≤ 15 characters).
import { isApiError } from './api-errors';
import type { Kind, LibraryKeyword, TemplateView } from './types';

export const MIN_KEYWORDS = 2;
export const MAX_KEYWORDS = 5;
export const MAX_SCENE_DESC = 15;

export const KIND_TEXT: Readonly<Record<Kind, string>> = { 'one-time': '一次性订阅', 'long-term': '长期订阅' };

/**
 * The pick after tapping keyword `kid`: a picked keyword is unpicked (the others close up), a new one goes last (the
 * card lists keywords in this order), and a sixth is not taken (`refused` true).
 */
export function togglePick(current: readonly number[], kid: number): { picked: number[]; refused: boolean } {
  if (current.includes(kid)) return { picked: current.filter((k) => k !== kid), refused: false };
  if (current.length >= MAX_KEYWORDS) return { picked: [...current], refused: true };
  return { picked: [...current, kid], refused: false };
}

/** Keyword rows for the view: checked, and the position in the card (1-based) when picked. */
export function keywordRows(keywords: readonly LibraryKeyword[], picked: readonly number[]) {
  return keywords.map((k) => {
    const at = picked.indexOf(k.kid);
    return { kid: k.kid, value: String(k.kid), name: k.name, example: k.example, rule: k.rule, checked: at >= 0, order: at >= 0 ? at + 1 : 0 };
  });
}

/** Why the form cannot be sent yet ('' when it can): the same limits the server checks. */
export function addProblem(picked: readonly number[], sceneDesc: string): string {
  if (picked.length < MIN_KEYWORDS) return `请至少选择 ${MIN_KEYWORDS} 个关键词`;
  if (picked.length > MAX_KEYWORDS) return `最多选择 ${MAX_KEYWORDS} 个关键词`;
  const scene = sceneDesc.trim();
  if (!scene) return '请填写使用场景';
  if ([...sceneDesc].length > MAX_SCENE_DESC) return `使用场景最多 ${MAX_SCENE_DESC} 个字`;
  if (/[\u0000-\u001f\u007f]/.test(sceneDesc)) return '使用场景不能换行';
  return '';
}

const errCodeOf = (e: unknown): number | undefined => {
  const d = isApiError(e) ? (e.details as { errCode?: unknown } | undefined) : undefined;
  return typeof d?.errCode === 'number' ? d.errCode : undefined;
};

/** The Chinese message for a failed `templates.add`. */
export function addErrorText(e: unknown): string {
  const code = errCodeOf(e);
  if (code === 200022) return '已有相同标题和关键词的模板，无需重复添加';
  if (code === 200012) return '帐号的模板数量已达上限，请先删除不用的模板';
  if (code === 200020) return '关键词不属于该模板，请重新选择';
  if (code === 200021) return '使用场景不符合要求（最多 15 个字）';
  if (code === 200011 || code === 200013) return '该模板或帐号已被限制使用';
  return isApiError(e) ? e.message : '网络异常，请检查网络后重试';
}

/** The Chinese message for a failed `templates.delete`. */
export function deleteErrorText(e: unknown): string {
  if (isApiError(e) && e.code === 'CONFLICT') return '该模板在 config/templates.json 中声明，需先从配置中移除';
  if (isApiError(e) && e.code === 'NOT_FOUND') return '该模板已不存在，请同步后刷新';
  return isApiError(e) ? e.message : '网络异常，请检查网络后重试';
}

/** Rows of "my templates". */
export function myTemplateRows(templates: readonly TemplateView[]) {
  return templates.map((t) => ({
    templateId: t.templateId,
    title: t.title,
    kindText: KIND_TEXT[t.kind],
    keywordsText: t.keywords.map((k) => k.label).join('、'),
    sourceText: t.source === 'config' ? '配置声明' : '已同步',
  }));
}
