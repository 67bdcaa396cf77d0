// Function `hello` (mini program): the README's first example — who am I, and how many times have I said hello.
import { z } from 'zod';
import { action, ActionTable, dispatchAction } from '../../../core/actions';
import { str } from '../../../core/schema';
import { isAdmin } from '../../../adapters/admins';
import { db } from '../../../adapters/db';
import { currentCaller, initCloud } from '../../../adapters/runtime';

const cloud = initCloud();

const table: ActionTable<null> = {
  hello: action({
    schema: z.object({ name: str(40).optional() }).strict(),
    run: async (_deps, input, caller) => {
      const users = db().collection('users');
      const _ = db().command;
      const id = caller.openid as string; // needsUser (default) guarantees it
      const bump = () => users.doc(id).update({ data: { visits: _.inc(1), lastSeenAt: Date.now() } });
      // Atomic increment; the first visit creates the document (a concurrent first visit loses the add and bumps).
      const res = await bump();
      if (res.stats.updated === 0) {
        await users.add({ data: { _id: id, visits: 1, lastSeenAt: Date.now() } }).catch(bump);
      }
      const { data } = await users.doc(id).get();
      const visits = (data as { visits?: number } | null)?.visits ?? 0;
      return { greeting: `你好，${input.name ?? caller.openid}`, visits, source: caller.source, env: cloud.getWXContext().ENV };
    },
  }),
  /** Whether the caller is on the admin list (the home page shows the admin entry only then). Writes nothing. */
  me: action({
    schema: z.object({}).strict(),
    run: async (_deps, _input, caller) => ({ isAdmin: await isAdmin(caller) }),
  }),
};

export async function main(event: unknown): Promise<unknown> {
  return dispatchAction(table, null, event, currentCaller(), { defaultAction: 'hello' });
}
