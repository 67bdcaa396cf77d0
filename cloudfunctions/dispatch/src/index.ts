// Function `dispatch` (timer only): promotes due campaigns, expands audiences, claims due deliveries with leases and
// sends them within the run's budget. [TRIG-WX] one 7-field cron trigger (config.json); refuses every other SOURCE.
import { createDispatcher } from '../../../adapters/dispatcher';
import { currentCaller, initCloud } from '../../../adapters/runtime';

initCloud();
const dispatcher = createDispatcher();

export async function main(event: Record<string, unknown>): Promise<unknown> {
  // [WXCTX] SOURCE is `wx_trigger` for a timer run; a client, HTTP or function-to-function call has another SOURCE
  // (and no trigger cloud-call token): refuse it, so nobody can make the dispatcher send on demand.
  const caller = currentCaller();
  if (caller.source !== 'wx_trigger') {
    console.warn(`dispatch: refused an invocation with SOURCE ${JSON.stringify(caller.source)} (timer only)`);
    return { ok: false, error: { code: 'FORBIDDEN', message: 'dispatch runs from its timer trigger only' } };
  }
  const summary = await dispatcher.run();
  console.log(`dispatch: ${JSON.stringify({ trigger: event.TriggerName, ...summary })}`);
  return summary;
}
