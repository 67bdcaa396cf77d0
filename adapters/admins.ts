// Adapters: the admin list — config/tixing.json `admins` (for this environment: adapters/runtime.ts appConfig) plus
// documents of the `admins` collection ({ _id: openid }), which each environment's database holds on its own.
import type { Caller } from '../core/actions';
import { db } from './db';
import { appConfig } from './runtime';
import { orIfMissing } from './db-errors';

export async function isAdmin(caller: Caller): Promise<boolean> {
  const openid = caller.openid;
  if (!openid) return false;
  if (appConfig().admins.includes(openid)) return true;
  // The admins collection may not exist yet (setup not run): only the configured list applies.
  const res = await orIfMissing(() => db().collection('admins').doc(openid).get(), { data: null });
  return Boolean(res.data);
}
