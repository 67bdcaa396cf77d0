// Adapters: the mini program's pages, read from miniprogram/app.json when the functions are bundled (esbuild inlines
// the JSON), so a function knows them without reading the mini program at run time. core/pages.ts checks a page.
import appJson from '../miniprogram/app.json';
import { pagesOfAppJson } from '../core/pages';

export const APP_PAGES: readonly string[] = Object.freeze(pagesOfAppJson(appJson));
