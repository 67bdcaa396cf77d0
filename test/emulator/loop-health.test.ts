// Emulator: the loop watch names the kind of each long garbage-collection pause, so a stall can be told apart as the
// collector's (major: the whole heap) or a slow request's.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { watchLoop } from '../../emulator/loop-health';

setFlagsFromString('--expose-gc');
// gc() is a full (major) collection; gc({ type: 'minor' }) a scavenge.
const gc = runInNewContext('gc') as (opts?: { type: 'minor' }) => void;

it('records a full collection as a major pause, with when it began', async () => {
  const w = watchLoop({ gcKeptMs: 0 });
  try {
    const t0 = Date.now();
    gc();
    gc({ type: 'minor' });
    // GC entries reach the observer asynchronously.
    const seen = (k: string): boolean => w.read().gcLongest.some((x) => x.kind === k);
    for (let i = 0; i < 100 && !(seen('major') && seen('minor')); i++) await new Promise((r) => setTimeout(r, 20));
    const h = w.read();
    const kinds = h.gcLongest.map((x) => x.kind);
    expect(kinds).toContain('major');
    expect(kinds).toContain('minor');
    const major = h.gcLongest.find((x) => x.kind === 'major')!;
    expect(Math.abs(new Date(major.at).getTime() - t0)).toBeLessThan(1000);
    expect(h.gcPauses).toBeGreaterThanOrEqual(2);
    // Longest first.
    const ms = h.gcLongest.map((x) => x.ms);
    expect(ms).toEqual([...ms].sort((a, b) => b - a));
  } finally {
    w.stop();
  }
});

it('keeps only pauses of at least gcKeptMs one by one', async () => {
  const w = watchLoop({ gcKeptMs: 60_000 });
  try {
    gc();
    await new Promise((r) => setTimeout(r, 100));
    expect(w.read().gcPauses).toBeGreaterThanOrEqual(1);
    expect(w.read().gcLongest).toEqual([]);
  } finally {
    w.stop();
  }
});

it('counts the requests received in a stalled turn of the loop', async () => {
  const w = watchLoop();
  try {
    // Let a first tick pass, so the stall below is measured from a fresh turn.
    await new Promise((r) => setTimeout(r, 40));
    for (let i = 0; i < 7; i++) w.noteRequest();
    const until = performance.now() + 320;
    while (performance.now() < until);
    await new Promise((r) => setTimeout(r, 60));
    // The blocked turn is recorded with the 7 requests (another stall, on a loaded machine, would have its own count).
    const stalls = w.read().stalls.filter((x) => x.ms >= 250);
    expect(stalls.length).toBeGreaterThan(0);
    expect(stalls.map((x) => x.requests)).toContain(7);
  } finally {
    w.stop();
  }
});
