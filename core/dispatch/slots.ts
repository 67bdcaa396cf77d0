// Core (dispatch): queue slots — how overlapping runs share a big campaign without racing for the same documents.
// Every campaign delivery carries `slot`, a hash of its openid into QUEUE_SLOTS buckets (fixed at creation). A run
// claims from one slot at a time, starting at a random one; it moves to the next slot when its slot runs short,
// jumps to a random slot when another run claimed some of what it had just read (both were on the same slot), and
// after an empty slot goes to a slot the unfiltered look found work in. Runs
// that all read "the first 100 pending deliveries" would each lose most claims to the fastest one: measured with 4
// runs on 10,000 recipients, 65 of 165 claims got nothing (a read, a write and a 50 ms pause wasted each).
// Deliveries without a slot (created before slots existed) and the tail of a campaign are found by the unfiltered
// look that fills a short slot read (run.ts), so no pending delivery depends on its slot to be claimed.

export const QUEUE_SLOTS = 64;

/** The slot of a recipient: FNV-1a (32-bit) of the openid, modulo QUEUE_SLOTS. Deterministic and pure. */
export function slotOf(openid: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < openid.length; i++) {
    h ^= openid.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % QUEUE_SLOTS;
}

/** One run's position among the slots. `random` is the run's injected source (core is pure). */
export class SlotCursor {
  private slot: number;

  constructor(private readonly random: () => number) {
    this.slot = this.pick();
  }

  get current(): number {
    return this.slot;
  }

  /**
   * After a claim from the current slot: `short` = the slot read returned fewer than asked (move to the next slot);
   * `lost` = candidates another run claimed first (jump to a random other slot).
   */
  after(short: boolean, lost: number): void {
    if (lost > 0) {
      const s = this.pick();
      this.slot = s === this.slot ? (s + 1) % QUEUE_SLOTS : s;
    } else if (short) {
      this.slot = (this.slot + 1) % QUEUE_SLOTS;
    }
  }

  /**
   * After a read of an empty slot, filled by the unfiltered look: `seen` are the slots of what that look found, so
   * the run goes to one of the slots that still have work (runs sweep the slots in the same direction, so the next
   * slot is likely empty too — at the tail of a million-recipient campaign that made every claim a 25-delivery one).
   */
  follow(seen: readonly number[]): void {
    this.slot = seen.length ? (seen[Math.min(seen.length - 1, Math.floor(this.random() * seen.length))] as number) : (this.slot + 1) % QUEUE_SLOTS;
  }

  private pick(): number {
    return Math.min(QUEUE_SLOTS - 1, Math.floor(this.random() * QUEUE_SLOTS));
  }
}
