// Emulator server: a function's burst of new connections is accepted promptly while the emulator is busy. libuv
// accepts one connection per listening socket per event-loop turn (emulator/server/index.ts FUNCTION_LISTENERS); with
// one listener and turns of ~100 ms, the 64th new connection of a burst waited ~6 s — past the 5 s a sender waits for
// WeChat's answer, which turned sends WeChat had answered in 30 ms into "unknown" ones under load.
import { useEmulator } from '../../support/emulator';
import { FUNCTION_LISTENERS } from '../../../emulator/server';

const h = useEmulator({ fixtures: ['whoami'], functionsConfig: { whoami: { timeoutSec: 30 } } });

/** Keeps the emulator's event loop busy: every turn spends `ms` in a synchronous step (as heavy requests do). */
function busyTurns(ms: number): () => void {
  let on = true;
  const turn = (): void => {
    if (!on) return;
    const until = performance.now() + ms;
    while (performance.now() < until) {
      // busy
    }
    setImmediate(turn);
  };
  setImmediate(turn);
  return () => {
    on = false;
  };
}

beforeAll(() => {
  h.emu.db.createCollection('probe');
});

it('a function opening 64 connections at once while every turn of the emulator loop takes 100 ms: all answered well within 5 s', async () => {
  await h.emu.callRaw('whoami', { op: 'db-burst', n: 1 }); // a warm worker: its load and first connection are not measured
  const stop = busyTurns(100);
  try {
    const r = await h.emu.callRaw('whoami', { op: 'db-burst', n: 64 });
    expect(r.ok).toBe(true);
    // One listener: ~64 turns (measured 6–7 s). Sixteen: ~4 turns plus the reads themselves (measured well under 2 s).
    expect((r.result as { slowestMs: number }).slowestMs).toBeLessThan(3000);
  } finally {
    stop();
  }
});

it('after the emulator was busy for 6 s (longer than an idle connection is kept), a function’s next requests are answered', async () => {
  // Seen in a million-recipient bench run: seeding kept the emulator's loop busy for minutes; the workers' idle
  // keep-alive connections were then closed by the server just as the runs reused them, and every run failed on
  // its first read. The workers' agent closes an idle connection after 5 s, the server only after 30 s.
  const first = await h.emu.callRaw('whoami', { op: 'db-burst', n: 8 });
  expect(first.ok).toBe(true);
  const until = performance.now() + 6000;
  while (performance.now() < until) {
    // the emulator's loop is busy (a long synchronous step)
  }
  const next = await h.emu.callRaw('whoami', { op: 'db-burst', n: 8 });
  expect(next.error).toBeUndefined();
  expect(next.ok).toBe(true);
});

it('the server listens on FUNCTION_LISTENERS ports, all leading to the same API', async () => {
  const ports = h.emu.ports;
  expect(ports).toHaveLength(FUNCTION_LISTENERS);
  expect(ports[0]).toBe(h.emu.port);
  for (const p of [ports[1], ports[ports.length - 1]]) {
    const res = await fetch(`http://127.0.0.1:${p}/clock`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ now: expect.any(Number) });
  }
});
