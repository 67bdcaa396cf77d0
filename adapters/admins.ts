// Adapters: the admin list — config/tixing.json `admins` plus documents of the `admins` collection ({ _id: openid }).
import type { Caller } from '../core/actions';
import appConfig from '../config/tixing.json';
import { db } from './db';

export async function isAdmin(caller: Caller): Promise<boolean> {
  const openid = caller.openid;
  if (!openid) return false;
  if (appConfig.admins.includes(openid)) return true;
  try {
    const res = await db().collection('admins').doc(openid).get();
    return Boolean(res.data);
  } catch {
    // The admins collection may not exist yet (setup not run): only the configured list applies.
    return false;
  }
}
