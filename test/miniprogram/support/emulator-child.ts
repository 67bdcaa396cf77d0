// Test support (mini program): runs the local emulator in its own Node process for the page end-to-end tests.
// The emulator cannot load under jsdom (mingo's ESM build is picked by jsdom's export conditions; esbuild refuses
// jsdom's Uint8Array), so emulator-http.ts spawns this script with tsx and talks to it over HTTP.
// Prints one JSON line `{ "url": ... }` when ready; stops when stdin closes (the parent died), on SIGTERM, or after
// TIXING_CHILD_MAX_MS (default 5 minutes) whatever happens.
import { startTestEmulator } from '../../support/emulator';

async function main(): Promise<void> {
  const startAt = Number(process.env.TIXING_START_AT) || Date.now();
  const emu = await startTestEmulator({ startAt });
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    void emu.stop().finally(() => process.exit(code));
  };
  process.on('SIGTERM', () => stop(0));
  process.stdin.on('end', () => stop(0));
  process.stdin.on('close', () => stop(0));
  process.stdin.resume();
  setTimeout(() => stop(2), Number(process.env.TIXING_CHILD_MAX_MS) || 5 * 60_000);
  process.stdout.write(`${JSON.stringify({ url: emu.url })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`emulator child failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
