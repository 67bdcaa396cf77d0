// Core (grants): `syncSettings`, `revoke` and `deleteMyData` of the subscriptions function.
import { normaliseAlwaysKeep } from './model';
import type { GrantsDeps } from './ports';
import { registryMap, requireKnown } from './views';

/**
 * Every collection that holds documents of one user (field `openid`). `deleteMyData` empties them for the caller.
 * Keep this list in step with any new per-user collection. `send_log` (the dispatcher's per-flush msgid log) mixes
 * users inside `items[]`: there the caller's items are pulled out, other users' stay.
 */
export const PERSONAL_COLLECTIONS = [
  'grants',
  'consent_log',
  'request_log',
  'rate_limits',
  'users',
  'deliveries',
  'sent_events',
  'send_log',
] as const;

/**
 * [SUBSETTING] getSetting({ withSubscriptions: true }): `mainSwitch` and `itemSettings` — itemSettings holds only the
 * templates whose "总是保持以上选择" the user ticked; other keys (SYS_MSG_TYPE_*, other apps' ids) are dropped.
 * Statuses are normalised (accept* → accept). `updated` = registry templates with an "always keep" state.
 */
export async function syncSettings(
  deps: GrantsDeps,
  openid: string,
  input: { mainSwitch: boolean; itemSettings: Record<string, string> },
): Promise<{ updated: number }> {
  const registry = await registryMap(deps);
  const kept: Record<string, string> = {};
  for (const [id, status] of Object.entries(input.itemSettings)) {
    const s = normaliseAlwaysKeep(status);
    if (registry.has(id) && s) kept[id] = s;
  }
  await deps.users.saveSettings(openid, { mainSwitch: input.mainSwitch, itemSettings: kept }, deps.clock.now());
  return { updated: Object.keys(kept).length };
}

export async function revoke(deps: GrantsDeps, openid: string, templateId: string): Promise<{ templateId: string; remaining: 0 }> {
  const [t] = requireKnown(await registryMap(deps), [templateId]);
  const kind = t?.kind ?? 'one-time';
  await deps.ledger.zero({ openid, templateId, kind }, 'revoke');
  const now = deps.clock.now();
  await deps.consent.append([
    {
      _id: `r:${openid}:${templateId}:${now}`,
      openid,
      templateId,
      result: 'revoke',
      placement: null,
      source: 'client',
      ledger: 'zero',
      at: now,
    },
  ]);
  return { templateId, remaining: 0 };
}

/** What `deleteMyData` answers: the documents removed per collection, their total, and when. */
export interface DeletionReceipt {
  deleted: Record<(typeof PERSONAL_COLLECTIONS)[number], number>;
  total: number;
  /** Every collection that was searched (each has a count in `deleted`, 0 when nothing was there). */
  collections: readonly string[];
  at: number;
}

/**
 * Removes everything of the caller's openid, collection by collection; nothing of anyone else's. Idempotent: run
 * again (a retry after a timeout) it removes what is left and answers zeros for the rest. The receipt is the only
 * record of the deletion: nothing about the user is kept to remember it.
 */
export async function deleteMyData(deps: GrantsDeps, openid: string): Promise<DeletionReceipt> {
  const deleted = {} as DeletionReceipt['deleted'];
  for (const c of PERSONAL_COLLECTIONS) deleted[c] = await deps.eraser.eraseOpenid(c, openid);
  const total = Object.values(deleted).reduce((a, b) => a + b, 0);
  return { deleted, total, collections: PERSONAL_COLLECTIONS, at: deps.clock.now() };
}
