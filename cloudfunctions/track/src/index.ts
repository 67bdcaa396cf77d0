// Function `track` (mini program): a page opened from a subscription message reports the open, counted once
// (app.ts onShow, any page); admins read click-through per campaign or notify key (`ctr`).
import { dispatchAction } from '../../../core/actions';
import { trackActions } from '../../../core/campaigns/actions';
import type { TrackDeps } from '../../../core/campaigns/track';
import { db } from '../../../adapters/db';
import { currentCaller, initCloud } from '../../../adapters/runtime';
import { createOpenCounter, createTrackStore } from '../../../adapters/stores/stats';
import { isAdmin } from '../../../adapters/admins';

initCloud();

const deps: TrackDeps = { clock: { now: () => Date.now() }, store: createTrackStore(db), opens: createOpenCounter(db) };

export async function main(event: Record<string, unknown>): Promise<unknown> {
  return dispatchAction(trackActions, deps, event, currentCaller(), {
    isAdmin: (_deps, caller) => isAdmin(caller),
    onError: (err) => console.error('track failed', err),
  });
}
