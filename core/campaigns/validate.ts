// Core (pure): a campaign's data checked against its template's keyword rules when it is saved (not when sent).
// Rules are those of [SEND-NEW] §2 (core/template/keywords.ts). Per-user variables are checked with representative values.
import { checkKeyword } from '../template/keywords';
import { DomainError } from '../envelope';
import type { TemplateInfo } from './ports';
import { unknownVariables, withSampleValues } from './variables';

/** The same shape as the templates function's `preview` errors (api.md), so admin pages show both alike. */
export interface DataError {
  key: string;
  rule: string;
  value: string;
  message: string;
}

export function checkCampaignData(template: TemplateInfo, data: Readonly<Record<string, string>>): DataError[] {
  const errors: DataError[] = [];
  const known = new Set(template.keywords.map((k) => k.key));
  for (const key of Object.keys(data)) {
    if (!known.has(key)) {
      errors.push({ key, rule: 'unknown', value: data[key] ?? '', message: `${key}: not a keyword of ${template.templateId} (${[...known].join(', ')})` });
    }
  }
  for (const { key, variable } of unknownVariables(data)) {
    errors.push({ key, rule: 'variable', value: data[key] ?? '', message: `${key}: unknown variable {{${variable}}} (use {{nickname}} or {{attributes.<name>}})` });
  }
  const sampled = withSampleValues(data);
  for (const kw of template.keywords) {
    const raw = data[kw.key];
    if (raw === undefined) {
      errors.push({ key: kw.key, rule: 'empty', value: '', message: `${kw.key} (${kw.label}): missing` });
      continue;
    }
    const v = checkKeyword(kw.type, sampled[kw.key], { enumValues: kw.enumValues });
    if (v) errors.push({ key: kw.key, rule: v.rule, value: raw, message: `${kw.key} (${kw.label}): ${v.message}` });
  }
  return errors;
}

/** Throws VALIDATION_FAILED (details: the errors, each naming its key) when the data breaks the rules. */
export function assertCampaignData(template: TemplateInfo, data: Readonly<Record<string, string>>): void {
  const errors = checkCampaignData(template, data);
  if (errors.length > 0) {
    const keys = [...new Set(errors.map((e) => e.key))].join(', ');
    throw new DomainError('VALIDATION_FAILED', `data breaks ${template.templateId} keyword rules: ${keys}`, errors);
  }
}

/** A page path the mini program can open: no leading slash, path characters, optional query. */
export const PAGE = /^[A-Za-z0-9_\-]+(\/[A-Za-z0-9_\-]+)*(\?[A-Za-z0-9_\-.=&%]*)?$/;
