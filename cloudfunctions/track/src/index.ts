// Function `track` (mini program): a page opened from a subscription message reports the open, counted once.
import { dispatchAction } from '../../../core/actions';
import { trackActions } from '../../../core/campaigns/actions';
import type { TrackDeps } from '../../../core/campaigns/track';
import { db } from '../../../adapters/db';
import { currentCaller, initCloud } from '../../../adapters/runtime';
import { createTrackStore } from '../../../adapters/stores/stats';

initCloud();

const deps: TrackDeps = { clock: { now: () => Date.now() }, store: createTrackStore(db) };

export async function main(event: Record<string, unknown>): Promise<unknown> {
  return dispatchAction(trackActions, deps, event, currentCaller(), {
    onError: (err) => console.error('track failed', err),
  });
}
