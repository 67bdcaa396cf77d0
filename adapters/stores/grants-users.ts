// Adapters (grants stores): per-user settings (`users`, `_id` = openid) and erasure of one openid's documents.
import type { Eraser, UserSettings, UserStore } from '../../core/grants/ports';
import { db } from '../db';
import { orIfMissing } from '../db-errors';
import { insertOnce, removeWhere, updateWhere } from './grants-db';

export function createUserStore(): UserStore {
  const users = () => db().collection('users');
  return {
    async getSettings(openid): Promise<UserSettings | null> {
      // `users` may not exist yet (setup not run): no settings.
      const res = await orIfMissing(() => users().doc(openid).get(), { data: null });
      const d = res.data as { mainSwitch?: unknown; itemSettings?: unknown } | null;
      if (!d) return null;
      const items = d.itemSettings && typeof d.itemSettings === 'object' ? (d.itemSettings as Record<string, string>) : {};
      return { mainSwitch: typeof d.mainSwitch === 'boolean' ? d.mainSwitch : null, itemSettings: items };
    },
    async saveSettings(openid, settings, now) {
      const _ = db().command;
      const data = { openid, mainSwitch: settings.mainSwitch, itemSettings: _.set(settings.itemSettings), settingsAt: now };
      for (let round = 0; round < 3; round++) {
        const res = await users().doc(openid).update({ data });
        if (res.stats.updated > 0) return;
        const existing = await users().doc(openid).get();
        if (existing.data) return; // same content already stored
        // First settings of this user: create the document (a concurrent creator wins; then update again).
        const created = await insertOnce(users(), { _id: openid, openid, ...settings, settingsAt: now });
        if (created) return;
      }
    },
  };
}

/** Matches a user's documents by `openid`, by `_openid` (client-created documents [PERM-DOC]) and, in `users`, by `_id`. */
export function createEraser(): Eraser {
  return {
    async eraseOpenid(collection, openid) {
      const _ = db().command;
      if (collection === 'send_log') {
        // One document per dispatcher flush, items of many users: pull the caller's items, keep the rest.
        return updateWhere(collection, { 'items.openid': openid }, { items: _.pull({ openid }) });
      }
      const or = [{ openid }, { _openid: openid }, ...(collection === 'users' ? [{ _id: openid }] : [])];
      return removeWhere(collection, _.or(or) as unknown as Record<string, unknown>);
    },
  };
}
