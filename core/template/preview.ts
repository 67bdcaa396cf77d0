// Core layer (pure): the card as the user reads it in 服务通知 — title, one line per keyword (label from the
// template `content`), the page it opens, and the "进入小程序查看" footer ([SEND-NEW] §1.2 `page`, `lang`).
import { renderContent } from './content';
import type { TemplateDoc } from './registry';

export interface CardLine {
  label: string;
  value: string;
}

export interface Card {
  title: string;
  lines: CardLine[];
  /** The page opened from the card; null = [SEND-NEW] "不填则模板无跳转" (the card does not jump). */
  page: string | null;
  /** [SEND-NEW] `lang` sets the language of this text; zh_CN (the default) is rendered. Empty when there is no page. */
  footer: string;
}

export const CARD_FOOTER = '进入小程序查看';

export function renderCard(
  template: Pick<TemplateDoc, 'title' | 'content' | 'keywords'>,
  data: Readonly<Record<string, string>>,
  page?: string,
): { card: Card; text: string } {
  const lines = template.keywords.map((k) => ({ label: k.label, value: data[k.key] ?? '' }));
  const card: Card = { title: template.title, lines, page: page ?? null, footer: page ? CARD_FOOTER : '' };
  // The content lines themselves keep the template's own punctuation ("活动名称:{{thing1.DATA}}").
  const body = renderContent(template.content, data);
  const text = [template.title, ...body, ...(page ? [CARD_FOOTER] : [])].join('\n');
  return { card, text };
}
