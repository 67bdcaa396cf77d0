// Core (pure): a campaign's data checked against its template's keyword rules when it is saved (not when sent).
// Rules: [SEND-NEW] §2 via core/template/validate.ts validateMessage (the check the sender runs before every send).
// Per-user variables are checked with representative values (core/campaigns/variables.ts).
import { validateMessage } from '../template/validate';
import { DomainError } from '../envelope';
import { isAppPage, pagePath } from '../pages';
import type { TemplateInfo } from './ports';
import { unknownVariables, withSampleValues } from './variables';

/** The same shape as the templates function's `preview` errors, so admin pages show both alike. */
export interface DataError {
  key: string;
  rule: string;
  value: string;
  message: string;
}

export function checkCampaignData(template: TemplateInfo, data: Readonly<Record<string, string>>): DataError[] {
  const errors: DataError[] = unknownVariables(data).map(({ key, variable }) => ({
    key,
    rule: 'variable',
    value: data[key] ?? '',
    message: `${key}: unknown variable {{${variable}}} (use {{nickname}} or {{attributes.<name>}}; a name starts with a letter and is not an inherited property such as __proto__ or constructor)`,
  }));
  // The sending helper's message rules (missing, unknown_key, and every keyword rule), on representative values.
  for (const e of validateMessage(template, withSampleValues(data)).errors) {
    errors.push({ key: e.key, rule: e.rule, value: data[e.key] ?? '', message: e.message });
  }
  return errors;
}

/** Throws VALIDATION_FAILED (details: the errors, each naming its key) when the data breaks the rules. */
export function assertCampaignData(template: TemplateInfo, data: Readonly<Record<string, string>>): void {
  const errors = checkCampaignData(template, data);
  if (errors.length > 0) {
    const keys = [...new Set(errors.map((e) => e.key))].join(', ');
    throw new DomainError('VALIDATION_FAILED', `data breaks ${template._id} keyword rules: ${keys}`, errors);
  }
}

/** A page path the mini program can open: no leading slash, path characters, optional query. */
export const PAGE = /^[A-Za-z0-9_\-]+(\/[A-Za-z0-9_\-]+)*(\?[A-Za-z0-9_\-.=&%]*)?$/;

/**
 * Refuses (UNKNOWN_PAGE) a page that is not one of the mini program's pages, when the campaign is saved: WeChat would
 * answer 41030 for every recipient at send time ([SEND-OLD]). `details` names the field and lists the valid pages.
 */
export function assertCampaignPage(pages: readonly string[], page: string): void {
  if (isAppPage(page, pages)) return;
  throw new DomainError('UNKNOWN_PAGE', `page ${JSON.stringify(pagePath(page).slice(0, 80))} is not a page of the mini program (app.json)`, {
    key: 'page',
    pages: pages.slice(0, 50),
  });
}
