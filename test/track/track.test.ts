// Unit (core): reporting an open — once, only by the recipient, unknown ids refused; the page carries the id.
import { dispatchAction } from '../../core/actions';
import { trackActions } from '../../core/campaigns/actions';
import { pageWithDelivery, type TrackDeps } from '../../core/campaigns/track';

function fakes() {
  const docs = new Map<string, { _id: string; openid: string; sourceType: 'campaign' | 'reminder'; sourceId: string; openedAt?: number }>([
    ['campaign:c1:o-alice', { _id: 'campaign:c1:o-alice', openid: 'o-alice', sourceType: 'campaign', sourceId: 'c1' }],
    ['reminder:r1:o-alice', { _id: 'reminder:r1:o-alice', openid: 'o-alice', sourceType: 'reminder', sourceId: 'r1' }],
  ]);
  const bumps: string[] = [];
  const deps: TrackDeps = {
    clock: { now: () => 1_000 },
    store: {
      getDelivery: async (id) => (docs.has(id) ? { ...docs.get(id)! } : null),
      markOpened: async (id, openid, at) => {
        const d = docs.get(id);
        if (!d || d.openid !== openid || d.openedAt !== undefined) return false;
        d.openedAt = at;
        return true;
      },
      bumpCampaignOpened: async (id) => void bumps.push(id),
    },
  };
  return { deps, docs, bumps };
}

const alice = { openid: 'o-alice', source: 'wx_client' };

describe('track open', () => {
  it('counts the first report only and bumps the campaign once', async () => {
    const f = fakes();
    const open = (caller = alice) => dispatchAction(trackActions, f.deps, { action: 'open', deliveryId: 'campaign:c1:o-alice' }, caller);
    expect(await open()).toEqual({ ok: true, data: { counted: true } });
    expect(await open()).toEqual({ ok: true, data: { counted: false } });
    expect(f.docs.get('campaign:c1:o-alice')!.openedAt).toBe(1_000);
    expect(f.bumps).toEqual(['c1']);
  });

  it('does not bump anything for reminders; refuses others, unknown ids, anonymous callers and junk', async () => {
    const f = fakes();
    expect(await dispatchAction(trackActions, f.deps, { action: 'open', deliveryId: 'reminder:r1:o-alice' }, alice)).toEqual({ ok: true, data: { counted: true } });
    expect(f.bumps).toEqual([]);
    const bob = { openid: 'o-bob', source: 'wx_client' };
    // Another user's delivery answers exactly like a missing one (no oracle for "does this user have a delivery").
    const others = await dispatchAction(trackActions, f.deps, { action: 'open', deliveryId: 'campaign:c1:o-alice' }, bob);
    expect(others).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(others).toEqual(await dispatchAction(trackActions, f.deps, { action: 'open', deliveryId: 'campaign:c1:o-zed' }, bob));
    expect(await dispatchAction(trackActions, f.deps, { action: 'open', deliveryId: 'campaign:c1:o-zed' }, alice)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await dispatchAction(trackActions, f.deps, { action: 'open', deliveryId: 'campaign:c1:o-alice' }, { source: 'wx_client' })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(await dispatchAction(trackActions, f.deps, { action: 'open', deliveryId: { $ne: 1 } }, alice)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(f.docs.get('campaign:c1:o-alice')!.openedAt).toBeUndefined();
  });

  it('appends the delivery id to the page', () => {
    expect(pageWithDelivery('pages/events/events', 'campaign:c1:o-a')).toBe('pages/events/events?deliveryId=campaign:c1:o-a');
    expect(pageWithDelivery('pages/events/events?eventId=e1', 'campaign:c1:o-a')).toBe('pages/events/events?eventId=e1&deliveryId=campaign:c1:o-a');
  });
});
