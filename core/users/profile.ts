// Core (pure): the user profile the team tells Tixing about — nickname (for `{{nickname}}`), tags and attributes
// (for segments), time zone — its input rules, and who may change what. Doc shape (collection `users`, `_id` =
// openid): `{ _id, nickname?, tags?: string[], attributes?: Record<string, string|number|boolean>, tz?, updatedAt }`
// (UserProfile in core/campaigns/variables.ts). The same document may carry the user's message settings
// (`mainSwitch`, `itemSettings`, core/grants): a profile write touches only the profile's own fields.
import { z } from 'zod';
import { isIanaZone } from '../config';
import { calledByFunction, type Caller } from '../actions';

export const MAX_TAGS = 20;
export const MAX_ATTRIBUTES = 20;

export const openidField = () => z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'must be an openid');
/** A shown name: 1–64 characters after trimming, no control characters (it is rendered into messages). */
export const nicknameField = () =>
  z
    .string()
    .max(256)
    .transform((s) => s.trim())
    .refine((s) => s.length >= 1 && [...s].length <= 64, 'must be 1–64 characters')
    // eslint-disable-next-line no-control-regex
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters');
export const tagField = () => z.string().min(1).max(32).regex(/^[^\s$,|;"]+$/, 'must be a tag without spaces or , | ; " $');
export const attributeName = () => z.string().min(1).max(32).regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be an attribute name like city or level_2');
export const attributeValue = () => z.union([z.string().max(64), z.number().finite(), z.boolean()]);
export const tzField = () => z.string().max(64).refine(isIanaZone, 'must be an IANA time zone such as Asia/Shanghai');

export const tagsField = () =>
  z
    .array(tagField())
    .max(MAX_TAGS, `at most ${MAX_TAGS} tags`)
    .transform((t) => [...new Set(t)]);

/** A change to one profile: a field given is replaced; `null` removes it; attributes change key by key. */
export interface ProfilePatch {
  nickname?: string | null;
  tags?: string[] | null;
  attributes?: Record<string, string | number | boolean | null>;
  tz?: string | null;
}

export const patchFields = {
  nickname: nicknameField().nullable().optional(),
  tags: tagsField().nullable().optional(),
  attributes: z
    .record(attributeName(), attributeValue().nullable())
    .refine((a) => Object.keys(a).length <= MAX_ATTRIBUTES, `at most ${MAX_ATTRIBUTES} attributes`)
    .optional(),
  tz: tzField().nullable().optional(),
};

/** Fields a mini program user may set on their own profile; tags and attributes drive targeting and stay server-side. */
export const CLIENT_FIELDS = ['nickname', 'tz'] as const;

export type CallerKind = 'function' | 'client';

/**
 * Who is calling: `function` when SOURCE's chain contains `scf` (another cloud function of this environment, e.g. the
 * team's order function, possibly started by a mini program user or a timer: [WXCTX] §5.3 "wx_client,scf"); `client`
 * otherwise (a mini program user: SOURCE wx_client, identity OPENID). Only the platform sets SOURCE ([SDK-SRC] §8.4:
 * getWXContext reads the invocation's environment, never the event), so a mini program cannot pass as a function.
 */
export function callerKind(caller: Caller): CallerKind {
  return calledByFunction(caller) ? 'function' : 'client';
}
