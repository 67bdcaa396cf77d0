// Adapters: main switches of subscription messages as the mini program last reported them (`users.mainSwitch`,
// written by subscriptions.syncSettings) — MainSwitches of core/sending/ports.ts.
import type { MainSwitches } from '../../core/sending/ports';
import { db, type Doc } from '../db';
import { orIfMissing } from '../db-errors';

/** Ids per `in` query (the SDK's default page is 100, [GET-DOC]). */
const PAGE = 100;

export function createMainSwitches(): MainSwitches {
  return {
    async off(openids) {
      const _ = db().command;
      const out = new Set<string>();
      for (let i = 0; i < openids.length; i += PAGE) {
        const ids = openids.slice(i, i + PAGE);
        const res = await orIfMissing(
          () => db().collection('users').where({ _id: _.in([...ids]), mainSwitch: false }).field({ _id: true }).limit(PAGE).get(),
          { data: [] as Doc[] },
        );
        for (const d of res.data) out.add(String(d._id));
      }
      return out;
    },
  };
}
