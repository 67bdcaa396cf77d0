// Core (pure): "is this a page of the mini program" — the one home for the server's check of a message's `page`.
// [SEND-NEW] page: "仅限本小程序内的页面。支持带参数"; [SEND-OLD] 41030: the page must exist in app.json (and in the
// released version). The page list comes in from the caller (adapters/app-pages.ts bundles app.json's pages at
// build time); the emulator keeps its own check of the same rule (emulator/wechat/pages.ts).

/** Every page path of an app.json object: `pages` plus each `subpackages` / `subPackages` root + page. */
export function pagesOfAppJson(app: unknown): string[] {
  const a = (app ?? {}) as { pages?: unknown; subpackages?: unknown; subPackages?: unknown };
  const pages = Array.isArray(a.pages) ? a.pages.filter((p): p is string => typeof p === 'string') : [];
  for (const sub of [a.subpackages, a.subPackages].flatMap((s) => (Array.isArray(s) ? (s as unknown[]) : []))) {
    const { root, pages: subPages } = (sub ?? {}) as { root?: unknown; pages?: unknown };
    if (typeof root !== 'string' || !Array.isArray(subPages)) continue;
    const r = root.replace(/^\/+|\/+$/g, '');
    for (const p of subPages) if (typeof p === 'string') pages.push(`${r}/${p.replace(/^\/+/, '')}`);
  }
  return pages;
}

/** The path of a page as sent (`pages/a/a?x=1` → `pages/a/a`). */
export function pagePath(page: string): string {
  return (page.split('?')[0] ?? '').replace(/^\/+/, '');
}

/** Whether `page` (query allowed) names one of `pages`. */
export function isAppPage(page: string, pages: readonly string[]): boolean {
  const path = pagePath(page);
  return path !== '' && pages.includes(path);
}
