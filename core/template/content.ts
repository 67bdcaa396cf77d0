// Core layer (pure): parse a subscription template's `content` into its keyword fields and render a card.
// [TPL-OLD-W3C] content looks like "会议时间:{{date2.DATA}}\n会议地点:{{thing1.DATA}}\n"; keys come from /\{\{(\w+)\.DATA\}\}/.
import { keywordType } from './keywords';

export interface TemplateField {
  /** Text before the placeholder on its line, without the trailing colon, e.g. `活动名称`. */
  label: string;
  /** Data key, e.g. `thing1`. */
  key: string;
  /** Keyword type from the key's prefix, e.g. `thing` ([SEND-NEW] §2: "参数类型" + number). */
  type: string;
}

const PLACEHOLDER = /\{\{(\w+)\.DATA\}\}/g;

/** Fields of a template content, in order of appearance; a key that appears twice is listed once. */
export function parseContent(content: string): TemplateField[] {
  const fields: TemplateField[] = [];
  const seen = new Set<string>();
  for (const line of content.split(/\r?\n/)) {
    let last = 0;
    for (const m of line.matchAll(PLACEHOLDER)) {
      const key = m[1] ?? '';
      const label = line
        .slice(last, m.index)
        .trim()
        .replace(/[:：]\s*$/u, '')
        .trim();
      last = (m.index ?? 0) + m[0].length;
      if (seen.has(key)) continue;
      seen.add(key);
      fields.push({ label, key, type: keywordType(key) });
    }
  }
  return fields;
}

/**
 * The content with every `{{key.DATA}}` replaced by its value (missing → empty), blank lines dropped.
 * Used for the simulated card: "活动名称:{{thing1.DATA}}" → "活动名称:周末读书会".
 */
export function renderContent(content: string, values: Readonly<Record<string, string>>): string[] {
  return content
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => line.replace(PLACEHOLDER, (_all, key: string) => values[key] ?? ''));
}
