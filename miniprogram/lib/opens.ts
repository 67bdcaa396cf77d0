// Mini program lib: the one app-level hook that counts opens from a message, on whatever page the message opens.
// Every delivery's page carries `deliveryId=<id>` in its query (core/campaigns/track.ts pageWithDelivery; reminders
// and notify the same), and a tap on a subscription message starts or shows the mini program with that page's
// query in App onLaunch/onShow options ([APP-SHOW]). app.ts calls `reportLaunchOpen` from onShow, so no page needs
// code of its own. The server counts each delivery once and only for its own recipient (track.open); this set only
// saves repeated calls within one session (onShow fires again each time the app returns to the foreground).
import { call, isRetryable } from './api';
import { queryValue } from './event-view';
import { sendWithRetry } from './subscribe';
import { sleep } from './ui';

export interface LaunchOptions {
  path?: string;
  query?: Record<string, string | undefined>;
  /** 1014 / 1107: opened from a subscription message ([APP-SHOW]); logged only — the delivery id decides. */
  scene?: number;
}

const DELIVERY_ID = /^[A-Za-z0-9_\-.:]{1,200}$/;
const reported = new Set<string>();

export type OpenReport = 'none' | 'duplicate' | 'counted' | 'already' | 'failed';

export async function reportLaunchOpen(options: LaunchOptions | undefined): Promise<OpenReport> {
  const deliveryId = queryValue(options?.query?.['deliveryId']);
  if (!deliveryId || !DELIVERY_ID.test(deliveryId)) return 'none';
  if (reported.has(deliveryId)) return 'duplicate';
  reported.add(deliveryId);
  const r = await sendWithRetry(() => call<{ counted: boolean }>('track', 'open', { deliveryId }), { attempts: 2, delayMs: 1000, sleep, retryable: isRetryable });
  if (!r.ok) {
    console.warn('track open failed', options?.path, options?.scene, r.error);
    return 'failed';
  }
  return r.data.counted ? 'counted' : 'already';
}
