// Emulator layer (WeChat simulator): a private template's `content` — its keyword placeholders and the card the
// user reads in 服务通知. Independent of core/ (the emulator answers as WeChat would, from its own reading).
//
// [TPL-OLD-W3C] getTemplateList `content` looks like "会议时间:{{date2.DATA}}\n会议地点:{{thing1.DATA}}\n";
// [SEND-NEW] §2: "参数类型 + 数字" — every placeholder is its keyword type followed by a number (thing1,
// number01, character_string2, short_thing1). The card ([SEND-NEW] §1.2 `page`, `lang`): the template title, then
// each line of the content with its placeholders filled in, then the jump text when the message opens a page.

export interface Placeholder {
  /** The data key the send must carry, e.g. `thing1`. */
  key: string;
  /** Its keyword type, e.g. `thing` (the key without its trailing number). */
  type: string;
  /** The line's text before the placeholder, e.g. `活动名称` (separator colon dropped). */
  label: string;
}

const PLACEHOLDER = /\{\{([A-Za-z0-9_]+)\.DATA\}\}/g;

/** `thing1` → `thing`, `number01` → `number`, `character_string12` → `character_string`, `enum_string2` → `enum_string`. */
export function keywordTypeOf(key: string): string {
  const bare = key.endsWith('.DATA') ? key.slice(0, -'.DATA'.length) : key;
  const m = /^(.*?[A-Za-z])_?[0-9]+$/.exec(bare);
  return m ? (m[1] as string) : bare;
}

/** The placeholders of a template content, in reading order, each key once. */
export function placeholders(content: string): Placeholder[] {
  const out: Placeholder[] = [];
  const seen = new Set<string>();
  for (const line of content.split(/\r\n|\n|\r/)) {
    let from = 0;
    for (const m of line.matchAll(PLACEHOLDER)) {
      const key = m[1] as string;
      const at = m.index ?? 0;
      const label = line.slice(from, at).replace(/[\s:：]+$/u, '').trim();
      from = at + m[0].length;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ key, type: keywordTypeOf(key), label });
    }
  }
  return out;
}

/** [SEND-NEW] `lang` decides the language of "进入小程序查看"; the non-zh_CN wordings are approximate. */
export const JUMP_TEXT: Readonly<Record<string, string>> = {
  zh_CN: '进入小程序查看',
  zh_HK: '進入小程序查看',
  zh_TW: '進入小程式查看',
  en_US: 'Go to Mini Program',
};

/**
 * The delivered card as text: title, the non-blank content lines with every `{{key.DATA}}` replaced by its value
 * (an absent value leaves nothing), and the jump line when there is a page.
 */
export function renderCard(
  title: string,
  content: string,
  values: Readonly<Record<string, string>>,
  opts: { page?: string; lang?: string } = {},
): string {
  const body = content
    .split(/\r\n|\n|\r/)
    .filter((line) => line.trim() !== '')
    .map((line) => line.replace(PLACEHOLDER, (_whole, key: string) => values[key] ?? ''));
  const jump = opts.page ? [JUMP_TEXT[opts.lang ?? 'zh_CN'] ?? '进入小程序查看'] : [];
  return [title, ...body, ...jump].join('\n');
}
