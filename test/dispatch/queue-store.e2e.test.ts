// Adapters (dispatch queue) through the real SDK and the emulator: a rerun expansion page inserts only what is
// missing, and an error that is not a duplicate `_id` is never swallowed (recipients would be lost).
import { useEmulator, withSdkEnv } from '../support/emulator';
import { createDeliveryQueue } from '../../adapters/stores/queue';
import { dbErrorKind } from '../../adapters/db-errors';
import { newDelivery } from '../../core/delivery';
import { createCollections, DATA, TPL } from './support';

const h = useEmulator();
const WX = Object.fromEntries(Object.entries(DATA).map(([k, v]) => [k, { value: v }]));
const docs = (ids: string[]) => ids.map((o) => newDelivery({ sourceType: 'campaign', sourceId: 'c1', openid: o, templateId: TPL, data: WX }, 'pending', h.emu.now()));

beforeEach(async () => {
  await h.emu.reset();
});

it('createMissing: a rerun page inserts only the missing deliveries; other errors are thrown, not swallowed', async () => {
  await withSdkEnv(h.emu, async () => {
    const q = createDeliveryQueue();
    // No collection yet: a real failure, not "already there".
    expect(await q.createMissing(docs(['o1'])).then(() => 'created', dbErrorKind)).toBe('missing_collection');
    createCollections(h.emu);
    expect(await q.createMissing(docs(['o1', 'o2', 'o3']))).toBe(3);
    expect(await q.createMissing(docs(['o1', 'o2', 'o3', 'o4', 'o5']))).toBe(2);
    expect(await q.createMissing(docs(['o1', 'o5']))).toBe(0);
    expect(h.emu.db.find('deliveries', {}).map((d) => d.openid).sort()).toEqual(['o1', 'o2', 'o3', 'o4', 'o5']);
  });
});
