// Mini program ↔ core parity at run time (the types are compared by test/build/miniprogram-parity.ts): the detail
// page offers exactly the campaign actions the server accepts, for EVERY campaign status, computed by running core's
// own use cases (core/campaigns: lifecycle.ts, edit.ts) and checked against core's tables (CAMPAIGN_TRANSITIONS,
// EDITABLE); the subscribe button's template kinds and the editor's choices are the server's.
import { dispatchAction, type Caller } from '../../core/actions';
import { campaignActions } from '../../core/campaigns/actions';
import { EDITABLE } from '../../core/campaigns/edit';
import { CAMPAIGN_STATUSES, canTransitionCampaign, type Campaign, type CampaignStatus } from '../../core/campaigns/model';
import { editableFields } from '../../core/campaigns/schema';
import { DELIVERY_STATUSES } from '../../core/delivery';
import type { Envelope } from '../../core/envelope';
import { REMINDER_TEMPLATE } from '../../core/reminders/message';
import { LANG_CHOICES, STATE_CHOICES } from '../../miniprogram/lib/campaign-options';
import { actionsFor, CAMPAIGN_ACTIONS, STATUS_TEXT, type CampaignActions } from '../../miniprogram/lib/campaign-view';
import { REMINDER_STATUS } from '../../miniprogram/lib/event-view';
import { EVENT_REMINDER_TEMPLATE, KNOWN_KINDS } from '../../miniprogram/lib/template-kinds';
import { ADMIN, GOOD_EVENT_DATA, makeFakes, NOW, type Fakes } from '../campaigns/fakes';
import { DECLARED } from '../support/templates';

const call = (f: Fakes, event: Record<string, unknown>, caller: Caller = ADMIN): Promise<Envelope<any>> =>
  dispatchAction(campaignActions, f.deps, event, caller, { isAdmin: async () => true });

/** A campaign in `status` in the in-memory store, as the server would hold it (started once it has run). */
async function campaignIn(status: CampaignStatus, startedAt?: number): Promise<{ f: Fakes; id: string }> {
  const f = makeFakes();
  const r = await call(f, { action: 'create', name: '读书会', templateId: 'TPL_EVENT_REMINDER', data: GOOD_EVENT_DATA, audience: { kind: 'all' } });
  expect(r).toMatchObject({ ok: true });
  const id = (r as { data: { id: string } }).data.id;
  const doc = f.docs.get(id) as Campaign;
  doc.status = status;
  doc.sendAt = NOW + 3600_000;
  if (startedAt !== undefined) doc.startedAt = startedAt;
  return { f, id };
}

/** Whether the server does `action` on a campaign in `status`: accepted AND it changes something (no idempotent no-op). */
async function serverDoes(status: CampaignStatus, event: Record<string, unknown>, startedAt?: number): Promise<boolean> {
  const { f, id } = await campaignIn(status, startedAt);
  const r = await call(f, { ...event, id });
  if (!r.ok) {
    expect(r.error.code).toBe('CONFLICT'); // refused because of the status, not for another reason
    return false;
  }
  return (r.data as { changed?: boolean }).changed !== false;
}

/** What the server allows in `status`, found by asking core's use cases (both before and after sending started). */
async function serverActions(status: CampaignStatus): Promise<CampaignActions> {
  const both = async (event: Record<string, unknown>) => {
    const [notStarted, started] = [await serverDoes(status, event), await serverDoes(status, event, NOW - 60_000)];
    expect([status, event['action'], started]).toEqual([status, event['action'], notStarted]); // the UI does not know startedAt
    return notStarted;
  };
  return {
    canPause: await both({ action: 'pause' }),
    canResume: await both({ action: 'resume' }),
    canCancel: await both({ action: 'cancel' }),
    canEdit: await both({ action: 'update', patch: { name: '读书会（改）' } }),
  };
}

describe('campaign actions: the detail page offers what the campaigns function accepts', () => {
  it('covers every status of core (and nothing else)', () => {
    expect(Object.keys(CAMPAIGN_ACTIONS).sort()).toEqual([...CAMPAIGN_STATUSES].sort());
    expect(Object.keys(STATUS_TEXT).sort()).toEqual([...CAMPAIGN_STATUSES].sort());
  });

  it.each(CAMPAIGN_STATUSES.map((s) => [s]))('%s: same actions as core\'s use cases', async (status) => {
    const server = await serverActions(status);
    expect(actionsFor(status)).toEqual(server);
  });

  it.each(CAMPAIGN_STATUSES.map((s) => [s]))('%s: pause / cancel follow CAMPAIGN_TRANSITIONS, edit follows EDITABLE', (status) => {
    const a = actionsFor(status);
    expect(a.canPause).toBe(canTransitionCampaign(status, 'paused'));
    expect(a.canCancel).toBe(canTransitionCampaign(status, 'cancelled'));
    expect(a.canEdit).toBe(EDITABLE.includes(status));
    // Resume sends a paused campaign back to scheduled or running (core resumeTarget): offered only where both are allowed.
    const resumable = canTransitionCampaign(status, 'scheduled') && canTransitionCampaign(status, 'running');
    expect({ status, resume: a.canResume && !resumable }).toEqual({ status, resume: false });
  });

  it('the probe is not blind: core refuses and accepts some of each', async () => {
    // Guards the helper above: if every call failed (or succeeded) for another reason, the rows would all agree.
    expect(await serverDoes('completed', { action: 'cancel' })).toBe(false);
    expect(await serverDoes('running', { action: 'cancel' })).toBe(true);
    expect(await serverDoes('paused', { action: 'update', patch: { name: 'x' } })).toBe(false);
    expect(await serverDoes('scheduled', { action: 'update', patch: { name: 'x' } })).toBe(true);
  });
});

describe('vocabularies', () => {
  it('KNOWN_KINDS is config/templates.json as core reads it (type 2 one-time, 3 long-term)', () => {
    expect(DECLARED.length).toBeGreaterThan(0);
    expect(KNOWN_KINDS).toEqual(Object.fromEntries(DECLARED.map((t) => [t._id, t.kind])));
  });

  it('the reminder template is the one the reminders function sends', () => {
    expect(EVENT_REMINDER_TEMPLATE).toBe(REMINDER_TEMPLATE);
    expect(KNOWN_KINDS[EVENT_REMINDER_TEMPLATE]).toBe('one-time');
  });

  it('the editor offers exactly the miniprogramState and lang values the server validates, plus the default', () => {
    expect(STATE_CHOICES.map((c) => c.value)).toEqual(['', ...editableFields.miniprogramState.options]);
    expect(LANG_CHOICES.map((c) => c.value)).toEqual(['', ...editableFields.lang.options]);
  });

  it('a reminder text for every delivery status', () => {
    expect(Object.keys(REMINDER_STATUS).sort()).toEqual([...DELIVERY_STATUSES].sort());
  });
});
