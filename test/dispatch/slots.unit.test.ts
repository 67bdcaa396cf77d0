// Unit (core/dispatch/slots.ts): queue slots — a stable hash of the openid, spread evenly; the cursor stays on its
// slot, moves to the next one when the slot runs short, and jumps elsewhere when another run took its candidates.
import { QUEUE_SLOTS, SlotCursor, slotOf } from '../../core/dispatch/slots';

it('slotOf is deterministic and within range', () => {
  for (const o of ['o-u000001', 'oAbCdEfGhIjKlMnOpQrStUvWxYz', '', '用户']) {
    const s = slotOf(o);
    expect(s).toBe(slotOf(o));
    expect(Number.isInteger(s) && s >= 0 && s < QUEUE_SLOTS).toBe(true);
  }
});

it('sequential openids (as a bench or an import makes them) spread evenly over the slots', () => {
  const counts = new Array<number>(QUEUE_SLOTS).fill(0);
  const n = 64_000;
  for (let i = 0; i < n; i++) counts[slotOf(`o-b${String(i).padStart(7, '0')}`)]! += 1;
  const mean = n / QUEUE_SLOTS;
  expect(Math.min(...counts)).toBeGreaterThan(mean * 0.8);
  expect(Math.max(...counts)).toBeLessThan(mean * 1.2);
});

it('the cursor starts where the random source says, stays while its slot is full, moves on when it runs short', () => {
  const c = new SlotCursor(() => 0.5);
  expect(c.current).toBe(QUEUE_SLOTS / 2);
  c.after(false, 0);
  expect(c.current).toBe(QUEUE_SLOTS / 2);
  c.after(true, 0);
  expect(c.current).toBe(QUEUE_SLOTS / 2 + 1);
});

it('after losing candidates to another run it jumps to a different slot (never the same one)', () => {
  const draws = [0.25, 0.25, 0.9];
  const c = new SlotCursor(() => draws.shift() ?? 0);
  const start = c.current;
  c.after(false, 3); // the random draw lands on the same slot: it takes the next one instead
  expect(c.current).toBe((start + 1) % QUEUE_SLOTS);
  c.after(true, 1); // lost wins over short
  expect(c.current).toBe(Math.floor(0.9 * QUEUE_SLOTS));
});

it('wraps around after the last slot, and a random draw of 1 stays in range', () => {
  const c = new SlotCursor(() => 0.999999999);
  expect(c.current).toBe(QUEUE_SLOTS - 1);
  c.after(true, 0);
  expect(c.current).toBe(0);
  expect(new SlotCursor(() => 1).current).toBe(QUEUE_SLOTS - 1);
});

it('after an empty slot it goes to a slot the unfiltered look found work in (the next one without a hint)', () => {
  const c = new SlotCursor(() => 0.6);
  c.follow([40, 41, 57]);
  expect(c.current).toBe(41);
  c.follow([]);
  expect(c.current).toBe(42);
});
