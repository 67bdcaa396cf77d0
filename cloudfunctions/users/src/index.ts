// Function `users`: the team tells Tixing who its users are — `identify` (nickname, tags, attributes, time zone),
// `get`, and admin `import` of a CSV. Called by the team's own functions (`cloud.callFunction({ name: 'users', … })`,
// any openid) and by the mini program (a user's own nickname and time zone only). See core/users.
import { dispatchAction } from '../../../core/actions';
import { usersActions, type UsersDeps } from '../../../core/users/use-cases';
import { isAdmin } from '../../../adapters/admins';
import { db } from '../../../adapters/db';
import { currentCaller, initCloud } from '../../../adapters/runtime';
import { createProfileStore } from '../../../adapters/stores/users';

initCloud();

const deps: UsersDeps = { clock: { now: () => Date.now() }, profiles: createProfileStore(db), isAdmin };

export async function main(event: Record<string, unknown>): Promise<unknown> {
  return dispatchAction(usersActions, deps, event, currentCaller(), {
    onError: (err) => console.error('users failed', err),
  });
}
