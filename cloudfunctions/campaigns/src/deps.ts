// Function `campaigns`: composition of the campaign use cases' ports on wx-server-sdk (built once per warm container).
import { randomUUID } from 'node:crypto';
import type { CampaignDeps } from '../../../core/campaigns/ports';
import { testSend } from '../../../core/sending/test-send';
import { APP_PAGES } from '../../../adapters/app-pages';
import { db } from '../../../adapters/db';
import { sendConfig, sendingDeps } from '../../../adapters/sender';
import { createAnalyticsSource } from '../../../adapters/stores/analytics';
import { createCampaignStore } from '../../../adapters/stores/campaigns';
import { createDeliveryStats } from '../../../adapters/stores/stats';
import { createTemplateLookup } from '../../../adapters/stores/templates';
import { createAudienceCounter, createUserDirectory } from '../../../adapters/stores/users';
import { createOpsStore } from '../../../adapters/ops';
import { createScheduleWake } from '../../../adapters/wake';

export function createCampaignDeps(): CampaignDeps {
  const config = sendConfig();
  return {
    clock: { now: () => Date.now() },
    ids: { next: () => randomUUID() },
    campaigns: createCampaignStore(db, createScheduleWake()),
    templates: createTemplateLookup(),
    deliveries: createDeliveryStats(db),
    analytics: createAnalyticsSource(db),
    audience: createAudienceCounter(db),
    users: createUserDirectory(db),
    ops: createOpsStore(),
    testSender: {
      // The sending helper's whitelist path: validated, a grant held and settled, one `test` delivery per recipient.
      async send(r, caller) {
        const input = { templateId: r.templateId, data: r.data, openids: [r.openid], ...(r.page === undefined ? {} : { page: r.page }) };
        const { results } = await testSend(sendingDeps(), caller, input);
        const first = results[0];
        if (!first) throw new Error(`testSend returned no result for ${r.openid}`);
        return first;
      },
    },
    config: { zone: config.zone, miniprogramState: config.miniprogramState, lang: config.lang, testWhitelist: config.testWhitelist, pages: APP_PAGES },
  };
}
