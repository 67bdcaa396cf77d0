// Emulator layer (WeChat simulator): the mini program's pages from app.json, for the `page` check of send (41030).
import { readFileSync } from 'node:fs';

/** All page paths of app.json: `pages` plus every `subpackages`/`subPackages` root + page. Missing/broken file → []. */
export function readAppPages(appJsonPath: string, log?: (line: string) => void): string[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(appJsonPath, 'utf8'));
  } catch (e) {
    log?.(`wechat: cannot read app.json at ${appJsonPath} (${(e as Error).message}); every page answers 41030`);
    return [];
  }
  const app = (json ?? {}) as { pages?: unknown; subpackages?: unknown; subPackages?: unknown };
  const pages = Array.isArray(app.pages) ? app.pages.filter((p): p is string => typeof p === 'string') : [];
  const subs = [app.subpackages, app.subPackages].flatMap((s) => (Array.isArray(s) ? s : []));
  for (const sub of subs as { root?: unknown; pages?: unknown }[]) {
    if (typeof sub?.root !== 'string' || !Array.isArray(sub.pages)) continue;
    const root = sub.root.replace(/^\/+|\/+$/g, '');
    for (const p of sub.pages) if (typeof p === 'string') pages.push(`${root}/${p.replace(/^\/+/, '')}`);
  }
  return pages;
}

/**
 * Whether `page` (as sent) names a page of the mini program. [SEND-NEW] "仅限本小程序内的页面。支持带参数,（示例index?foo=bar）";
 * [SEND-OLD] 41030 = the page must exist in the released version and match app.json.
 * The query is stripped. A leading "/" is tolerated: the docs' example has none, but "/pages/x/x" is the common form in
 * community code and nothing documents a rejection (UNVERIFIED against a live account).
 */
export function isKnownPage(page: string, pages: readonly string[]): boolean {
  const path = page.split('?')[0]?.replace(/^\//, '') ?? '';
  return path !== '' && pages.includes(path);
}
