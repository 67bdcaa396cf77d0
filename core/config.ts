// Core (pure): the application configuration and its per-environment overrides — the one home of "which admins,
// whitelist, miniprogramState … apply in this environment". config/tixing.json holds the defaults plus
// `environments: { "<env id>": { …overrides } }`; the adapter (adapters/runtime.ts `appConfig`) picks the entry of
// the env id the function runs in at run time, so one build deploys to a test and a production environment.
import { z } from 'zod';

const openidList = z.array(z.string().min(1).max(64)).max(200);

const overrideSchema = z
  .object({
    miniprogramState: z.enum(['developer', 'trial', 'formal']).optional(),
    lang: z.enum(['zh_CN', 'en_US', 'zh_HK', 'zh_TW']).optional(),
    zone: z.string().min(1).max(64).optional(),
    admins: openidList.optional(),
    testWhitelist: openidList.optional(),
    limits: z
      .object({ recordPerMinute: z.number().int().min(1).max(10_000).optional(), maxTemplatesPerRequest: z.number().int().min(1).max(3).optional() })
      .strict()
      .optional(),
    /** How long consent history is kept (core/grants/history.ts; purged on write). */
    consent: z.object({ retentionDays: z.number().int().min(1).max(36_500).optional() }).strict().optional(),
    /**
     * Placements (page + button) marked transactional: an accepted tap there holds its grant unit for `purpose`
     * (core/grants/record.ts), so campaigns never spend it; a notify send or reminder with that purpose does.
     */
    transactionalPlacements: z
      .array(z.object({ page: z.string().min(1).max(256), button: z.string().min(1).max(64), purpose: z.string().min(1).max(64).regex(/^[A-Za-z0-9_\-.:]+$/) }).strict())
      .max(50)
      .optional(),
    /** App-wide send rules and alert settings: validated where they are used (adapters/ops.ts), per environment here. */
    rules: z.record(z.string(), z.unknown()).optional(),
    alerts: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const fileSchema = overrideSchema
  .extend({
    $comment: z.string().optional(),
    environments: z.record(z.string().min(1).max(64), overrideSchema.extend({ $comment: z.string().optional() })).optional(),
  })
  .strict();

export type ConfigFile = z.infer<typeof fileSchema>;

export interface AppConfig {
  /** The env id this configuration was resolved for, and whether `environments` had an entry for it. */
  envId: string;
  matched: boolean;
  miniprogramState: 'developer' | 'trial' | 'formal';
  lang: 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW';
  zone: string;
  admins: readonly string[];
  testWhitelist: readonly string[];
  limits: { recordPerMinute: number; maxTemplatesPerRequest: number };
  consent: { retentionDays: number };
  transactionalPlacements: readonly { page: string; button: string; purpose: string }[];
  /** Raw `rules` / `alerts` of this environment (the environment's entry replaces the default as a whole). */
  rules?: Record<string, unknown>;
  alerts?: Record<string, unknown>;
}

const DEFAULTS = { miniprogramState: 'developer', lang: 'zh_CN', zone: 'Asia/Shanghai', recordPerMinute: 30, maxTemplatesPerRequest: 3, retentionDays: 730 } as const;

/**
 * Defaults of the file, then the entry of `envId` in `environments` (lists replace, they are not merged: a production
 * entry that names its admins has exactly those). A malformed file throws at the first use, naming the field.
 */
export function resolveAppConfig(raw: unknown, envId: string): AppConfig {
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`config/tixing.json: ${first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid'}`);
  }
  const file = parsed.data;
  const env = file.environments?.[envId];
  const pick = <K extends keyof z.infer<typeof overrideSchema>>(k: K) => (env && env[k] !== undefined ? env[k] : file[k]);
  const limits = { ...file.limits, ...env?.limits };
  const zone = pick('zone') ?? DEFAULTS.zone;
  if (!isIanaZone(zone)) throw new Error(`config/tixing.json: zone ${JSON.stringify(zone)} is not an IANA time zone`);
  return {
    envId,
    matched: env !== undefined,
    miniprogramState: pick('miniprogramState') ?? DEFAULTS.miniprogramState,
    lang: pick('lang') ?? DEFAULTS.lang,
    zone,
    admins: pick('admins') ?? [],
    testWhitelist: pick('testWhitelist') ?? [],
    limits: {
      recordPerMinute: limits.recordPerMinute ?? DEFAULTS.recordPerMinute,
      maxTemplatesPerRequest: limits.maxTemplatesPerRequest ?? DEFAULTS.maxTemplatesPerRequest,
    },
    consent: { retentionDays: env?.consent?.retentionDays ?? file.consent?.retentionDays ?? DEFAULTS.retentionDays },
    transactionalPlacements: pick('transactionalPlacements') ?? [],
    ...(pick('rules') ? { rules: pick('rules') } : {}),
    ...(pick('alerts') ? { alerts: pick('alerts') } : {}),
  };
}

/** True for a zone name Intl knows (e.g. Asia/Shanghai, America/New_York, UTC). Pure: Intl is deterministic. */
export function isIanaZone(zone: string): boolean {
  if (zone.length === 0 || zone.length > 64 || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
