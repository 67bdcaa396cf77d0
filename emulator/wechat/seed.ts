// Emulator layer (WeChat simulator): the simulated account's seed (private templates, public library, bans, word list).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const PrivateTemplateSchema = z.object({
  priTmplId: z.string().min(1),
  title: z.string().min(1),
  // [MMM-MIRROR] type 2 = one-time, 3 = long-term.
  type: z.union([z.literal(2), z.literal(3)]),
  content: z.string(),
  example: z.string().default(''),
  keywordEnumValueList: z
    .array(z.object({ keywordCode: z.string(), enumValueList: z.array(z.string()) }))
    .optional(),
  /** Public template it was added from, and the keyword ids picked (for addTemplate's 200022 duplicate check). */
  tid: z.number().int().optional(),
  kidList: z.array(z.number().int()).optional(),
});
export type PrivateTemplate = z.infer<typeof PrivateTemplateSchema>;

const PublicTemplateSchema = z.object({
  tid: z.number().int(),
  title: z.string(),
  type: z.union([z.literal(2), z.literal(3)]),
  categoryId: z.number().int(),
  keywords: z.array(
    z.object({
      kid: z.number().int(),
      name: z.string(),
      example: z.string(),
      rule: z.string(),
      /** Simulator extra for enum keywords: becomes keywordEnumValueList of templates added from this tid. */
      enumValueList: z.array(z.string()).optional(),
    }),
  ),
});
export type PublicTemplate = z.infer<typeof PublicTemplateSchema>;

const SeedSchema = z.object({
  templates: z.array(PrivateTemplateSchema),
  categories: z.array(z.object({ id: z.number().int(), name: z.string() })).default([]),
  publicTemplates: z.array(PublicTemplateSchema).default([]),
  sensitiveWords: z.array(z.string().min(1)).default(['敏感词']),
  /** security.msgSecCheck's local rules (emulator/wechat/apis.ts): a keyword, the label and suggest it gets. */
  secCheckRules: z
    .array(z.object({ keyword: z.string().min(1), label: z.number().int(), suggest: z.enum(['risky', 'review']) }))
    .default([
      { keyword: '敏感词', label: 21000, suggest: 'risky' },
      { keyword: '赌博', label: 20006, suggest: 'risky' },
      { keyword: '加微信', label: 10001, suggest: 'review' },
    ]),
  bannedTemplates: z.array(z.string()).default([]),
  accountBanned: z.boolean().default(false),
});
export type WechatSeed = z.infer<typeof SeedSchema>;

export const DEFAULT_SEED_PATH = join(__dirname, '..', 'seed', 'wechat.json');

export function loadSeed(path: string = DEFAULT_SEED_PATH): WechatSeed {
  const parsed = SeedSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`invalid WeChat seed ${path}: ${parsed.error.message}`);
  return parsed.data;
}

/** Enum values per data key (`enum1`), from keywordEnumValueList (keywordCode `enum1.DATA` or `enum1`). */
export function enumValuesByKey(t: PrivateTemplate): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of t.keywordEnumValueList ?? []) out[e.keywordCode.replace(/\.DATA$/, '')] = e.enumValueList;
  return out;
}
