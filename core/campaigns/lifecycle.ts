// Core (pure): pause, resume and cancel, following CAMPAIGN_TRANSITIONS (core/campaigns/model.ts).
// Each move is one conditional update on the current status, so it cannot interleave badly with the dispatcher:
// the dispatcher promotes only `scheduled` campaigns and claims deliveries only of `running` ones.
import { DomainError } from '../envelope';
import { canTransitionCampaign, type Campaign, type CampaignStatus } from './model';
import type { CampaignDeps } from './ports';
import { loadCampaign } from './edit';

/** What pause, resume and cancel need (the operator CLI composes just these on its own database connection). */
export type LifecycleDeps = Pick<CampaignDeps, 'clock' | 'campaigns' | 'deliveries'>;

export interface LifecycleResult {
  id: string;
  status: CampaignStatus;
  /** False when the campaign already was in the requested state (the call is idempotent). */
  changed: boolean;
}

/** Where `resume` goes: back to `running` if sending had started, else to `scheduled` (sendAt still applies). */
export function resumeTarget(c: Pick<Campaign, 'startedAt'>): CampaignStatus {
  return c.startedAt === undefined ? 'scheduled' : 'running';
}

async function move(
  deps: LifecycleDeps,
  id: string,
  verb: string,
  from: readonly CampaignStatus[],
  target: (c: Campaign) => CampaignStatus,
  alreadyThere: (c: Campaign) => boolean,
  extra: (now: number) => Partial<Campaign> = () => ({}),
): Promise<LifecycleResult> {
  // Two tries: the dispatcher may move the campaign (scheduled → running) between our read and our write.
  for (let attempt = 0; attempt < 2; attempt++) {
    const c = await loadCampaign(deps, id);
    if (alreadyThere(c)) return { id, status: c.status, changed: false };
    const to = target(c);
    if (!from.includes(c.status) || !canTransitionCampaign(c.status, to)) {
      throw new DomainError('CONFLICT', `campaign ${id} is ${c.status}: cannot ${verb}`, { status: c.status });
    }
    const now = deps.clock.now();
    if (await deps.campaigns.updateIf(id, [c.status], { status: to, updatedAt: now, ...extra(now) })) {
      return { id, status: to, changed: true };
    }
  }
  throw new DomainError('CONFLICT', `campaign ${id} changed while trying to ${verb}; try again`);
}

export function pauseCampaign(deps: LifecycleDeps, input: { id: string }): Promise<LifecycleResult> {
  return move(deps, input.id, 'pause', ['scheduled', 'running'], () => 'paused', (c) => c.status === 'paused');
}

export function resumeCampaign(deps: LifecycleDeps, input: { id: string }): Promise<LifecycleResult> {
  return move(deps, input.id, 'resume', ['paused'], resumeTarget, (c) => c.status === 'running' || c.status === 'scheduled');
}

/**
 * Cancel: the campaign first (so the dispatcher stops expanding and claiming), then every `pending` delivery →
 * `cancelled`. Deliveries already `sending` finish their attempt. Calling cancel again sweeps again — it also
 * catches deliveries a dispatcher run created in the instant before it saw the new status.
 */
export async function cancelCampaign(deps: LifecycleDeps, input: { id: string }): Promise<LifecycleResult & { cancelledDeliveries: number }> {
  const res = await move(deps, input.id, 'cancel', ['draft', 'scheduled', 'running', 'paused', 'quarantined'], () => 'cancelled', (c) => c.status === 'cancelled', (now) => ({ completedAt: now }));
  const cancelledDeliveries = await deps.deliveries.cancelPending(input.id, deps.clock.now());
  return { ...res, cancelledDeliveries };
}
