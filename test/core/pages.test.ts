// Unit: core/pages.ts — the one server-side "is this a page of the mini program" check, and the bundled page list.
import { APP_PAGES } from '../../adapters/app-pages';
import { isAppPage, pagesOfAppJson } from '../../core/pages';
import appJson from '../../miniprogram/app.json';

describe('app pages', () => {
  it('reads pages and subpackage pages of an app.json', () => {
    const pages = pagesOfAppJson({ pages: ['pages/a/a', 7], subpackages: [{ root: 'pkg/', pages: ['b/b'] }, { root: 3 }], subPackages: [{ root: '/more', pages: ['/c/c'] }] });
    expect(pages).toEqual(['pages/a/a', 'pkg/b/b', 'more/c/c']);
    expect(pagesOfAppJson(null)).toEqual([]);
  });

  it('matches a page with or without a query, and nothing else', () => {
    const pages = ['pages/a/a', 'pkg/b/b'];
    expect(isAppPage('pages/a/a', pages)).toBe(true);
    expect(isAppPage('pages/a/a?x=1&deliveryId=d', pages)).toBe(true);
    expect(isAppPage('pkg/b/b', pages)).toBe(true);
    expect(isAppPage('pages/a', pages)).toBe(false);
    expect(isAppPage('pages/promo/promo', pages)).toBe(false);
    expect(isAppPage('?x=1', pages)).toBe(false);
  });

  it('bundles exactly the pages of miniprogram/app.json', () => {
    expect(APP_PAGES).toEqual(appJson.pages);
    expect(APP_PAGES).toContain('pages/events/events');
  });
});
