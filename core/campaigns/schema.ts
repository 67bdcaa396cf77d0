// Core (pure): zod schemas of the `campaigns` function's actions (envelope: core/envelope.ts). Every event is untrusted.
import { z } from 'zod';
import { id, str, templateId } from '../schema';
import { CAMPAIGN_STATUSES } from './model';
import { isClockHHmm } from './schedule';
import { PAGE } from './validate';
import { recurrenceSchema } from './recurrence';

const hhmm = z.string().refine(isClockHHmm, 'must be HH:mm (00:00–23:59)');
const openid = () => z.string().min(1).max(64).regex(/^[A-Za-z0-9_\-]+$/, 'must be an openid');

/** `campaigns.analytics`: one campaign (`id`) or one notify key (`notifyKey`, as the `notify` function's callers name it). */
export const analyticsSchema = z
  .object({
    id: id().optional(),
    notifyKey: id().optional(),
    templateId: templateId().optional(),
  })
  .strict()
  .refine((i) => (i.id === undefined) !== (i.notifyKey === undefined), 'give exactly one of id, notifyKey');

export const dataSchema = z
  .record(z.string().min(1).max(32).regex(/^[A-Za-z_]+\d+$/, 'must be a template keyword key like thing1'), str(200))
  .refine((d) => Object.keys(d).length <= 20, 'at most 20 keywords');

const tagList = z.array(z.string().min(1).max(32)).max(10);
const attrValue = z.union([str(64), z.number().finite(), z.boolean()]);
const attrMap = z
  .record(z.string().min(1).max(32).regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be an attribute name'), z.union([attrValue, z.array(attrValue).min(1).max(20)]))
  .refine((a) => Object.keys(a).length <= 10, 'at most 10 attributes');
export const MAX_LIST = 1000;

export const audienceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }).strict(),
  z
    .object({
      kind: z.literal('segment'),
      tags: tagList.optional(),
      anyTags: tagList.optional(),
      notTags: tagList.optional(),
      attributes: attrMap.optional(),
      notAttributes: attrMap.optional(),
    })
    .strict()
    .refine(
      (s) => [s.tags, s.anyTags, s.notTags].some((t) => (t?.length ?? 0) > 0) || Object.keys({ ...s.attributes, ...s.notAttributes }).length > 0,
      'a segment needs tags or attributes',
    ),
  z
    .object({
      kind: z.literal('list'),
      openids: z
        .array(openid())
        .min(1, 'the list is empty')
        .max(MAX_LIST, `at most ${MAX_LIST} openids`)
        .transform((l) => [...new Set(l)].sort()),
    })
    .strict(),
]);

export const quietHoursSchema = z
  .object({ start: hhmm, end: hhmm })
  .strict()
  .refine((q) => q.start !== q.end, 'start and end must differ');

export const frequencyCapSchema = z
  .object({ max: z.number().int().min(1).max(100), perHours: z.number().int().min(1).max(24 * 30) })
  .strict();

export const editableFields = {
  name: z.string().trim().min(1).max(64),
  templateId: templateId(),
  data: dataSchema,
  page: z.string().max(256).regex(PAGE, 'must be a page path like pages/index/index?x=1 (no leading /)'),
  audience: audienceSchema,
  quietHours: quietHoursSchema,
  frequencyCap: frequencyCapSchema,
  miniprogramState: z.enum(['developer', 'trial', 'formal']),
  lang: z.enum(['zh_CN', 'en_US', 'zh_HK', 'zh_TW']),
  /** A recurring series (daily / weekly / monthly at HH:mm, or cron) in the campaign's zone. */
  recurrence: recurrenceSchema,
  /** "09:00 local": the send time is read in each recipient's zone. */
  localTime: z.boolean(),
  /** At most this many sends per local day. */
  dailyBudget: z.number().int().min(1).max(10_000_000),
};

export const createSchema = z
  .object({
    name: editableFields.name,
    templateId: editableFields.templateId,
    data: editableFields.data,
    page: editableFields.page.optional(),
    audience: editableFields.audience,
    quietHours: editableFields.quietHours.optional(),
    frequencyCap: editableFields.frequencyCap.optional(),
    miniprogramState: editableFields.miniprogramState.optional(),
    lang: editableFields.lang.optional(),
    recurrence: editableFields.recurrence.optional(),
    localTime: editableFields.localTime.optional(),
    dailyBudget: editableFields.dailyBudget.optional(),
  })
  .strict();
export type CreateInput = z.infer<typeof createSchema>;

/** A patch may set any editable field; `null` clears an optional one (page, quietHours, frequencyCap). */
export const patchSchema = z
  .object({
    name: editableFields.name.optional(),
    templateId: editableFields.templateId.optional(),
    data: editableFields.data.optional(),
    page: editableFields.page.nullable().optional(),
    audience: editableFields.audience.optional(),
    quietHours: editableFields.quietHours.nullable().optional(),
    frequencyCap: editableFields.frequencyCap.nullable().optional(),
    miniprogramState: editableFields.miniprogramState.optional(),
    lang: editableFields.lang.optional(),
    recurrence: editableFields.recurrence.nullable().optional(),
    localTime: editableFields.localTime.optional(),
    dailyBudget: editableFields.dailyBudget.nullable().optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'patch is empty');
export type Patch = z.infer<typeof patchSchema>;

export const idSchema = z.object({ id: id() }).strict();
export const updateSchema = z.object({ id: id(), patch: patchSchema }).strict();
export const scheduleSchema = z
  // sendAt is required for a one-off campaign; a recurring series starts with its first occurrence after now.
  .object({ id: id(), sendAt: z.string().max(16).optional(), zone: z.string().min(1).max(64).optional() })
  .strict();
export const listSchema = z.object({ status: z.enum(CAMPAIGN_STATUSES).optional(), limit: z.number().int().min(1).max(100).optional() }).strict();
export const occurrencesSchema = z.object({ id: id(), limit: z.number().int().min(1).max(100).optional() }).strict();
export const testSendSchema = z.object({ id: id(), openids: z.array(openid()).min(1).max(10).optional() }).strict();
