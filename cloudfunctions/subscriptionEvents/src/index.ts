// Function `subscriptionEvents` (WeChat message push, 云开发 → 设置 → 消息推送): popup, change and sent events.
import { fail } from '../../../core/envelope';
import { handlePush } from '../../../core/grants/push';
import { createGrantsDeps } from '../../../adapters/grant-ledger';
import { currentCaller, initCloud } from '../../../adapters/runtime';

initCloud();
const deps = createGrantsDeps();

export async function main(event: unknown): Promise<unknown> {
  try {
    return await handlePush(deps, event, currentCaller());
  } catch (err) {
    console.error('subscriptionEvents failed', err);
    return fail('INTERNAL', 'internal error');
  }
}
