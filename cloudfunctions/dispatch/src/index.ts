// Function `dispatch` (timer and delayed tasks only): reads the wake state and, when work is due, promotes due
// campaigns, expands audiences, claims due deliveries with leases and sends them within the run's budget.
// [TRIG-WX] one 7-field cron trigger (config.json), a 10-minute heartbeat; wake-ups come through
// cloudbase.addDelayedFunctionTask [DELAYED] (adapters/wake.ts). Refuses every other SOURCE.
import { createDispatcher } from '../../../adapters/dispatcher';
import { currentCaller, initCloud } from '../../../adapters/runtime';

initCloud();
const dispatcher = createDispatcher();

export async function main(event: Record<string, unknown>): Promise<unknown> {
  // [WXCTX] SOURCE is `wx_trigger` for a timer run; a client, HTTP or function-to-function call has another SOURCE
  // (and no trigger cloud-call token): refuse it, so nobody can make the dispatcher send on demand. A delayed task
  // [DELAYED] is started by the platform like a trigger (GUESS: no source states its SOURCE; the emulator gives
  // `wx_trigger`). Were it refused, work would still go out from the heartbeat timer, up to one period late.
  const caller = currentCaller();
  if (caller.source !== 'wx_trigger') {
    console.warn(`dispatch: refused an invocation with SOURCE ${JSON.stringify(caller.source)} (timer only)`);
    return { ok: false, error: { code: 'FORBIDDEN', message: 'dispatch runs from its timer trigger only' } };
  }
  // A delayed task ([DELAYED], armed through adapters/wake.ts) carries `{ wake: true }`; the timer is the heartbeat.
  const summary = await dispatcher.run(event.wake === true ? 'wake' : 'timer');
  // An idle run prints nothing (a line per heartbeat would be most of the log).
  if ('idle' in summary) return summary;
  console.log(`dispatch: ${JSON.stringify({ trigger: event.TriggerName, ...summary })}`);
  return summary;
}
