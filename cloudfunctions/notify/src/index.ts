// Function `notify` (your own cloud functions, and admins): send / status / cancel subscription messages by your
// idempotency key. Called with cloud.callFunction({ name: 'notify', data: { action, ... } }) — such a call carries no
// cloud-call token [CB-WXTOKEN], so `send` queues and `dispatch` sends. Mini program users are refused (FORBIDDEN).
import type { NotifyDeps } from '../../../core/notify/ports';
import { handleNotify } from '../../../core/notify/table';
import { isAdmin } from '../../../adapters/admins';
import { createHolds, systemClock } from '../../../adapters/grant-ledger';
import { currentCaller, initCloud } from '../../../adapters/runtime';
import { sendConfig } from '../../../adapters/sender';
import { createNotifyDeliveries, createNotifyRequestStore } from '../../../adapters/stores/notify';
import { createAudienceSource } from '../../../adapters/stores/queue-campaigns';
import { createTemplateLookup } from '../../../adapters/stores/templates';

initCloud();
const config = sendConfig();
const audience = createAudienceSource();
const deps: NotifyDeps = {
  clock: systemClock,
  templates: createTemplateLookup(),
  requests: createNotifyRequestStore(),
  deliveries: createNotifyDeliveries(),
  profiles: (openids) => audience.profiles(openids),
  holds: createHolds(),
  isAdmin,
  config: { zone: config.zone, miniprogramState: config.miniprogramState, lang: config.lang },
};

export async function main(event: Record<string, unknown>): Promise<unknown> {
  return handleNotify(deps, event, currentCaller(), (err) => console.error('notify failed', err));
}
