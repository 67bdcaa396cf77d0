// Scripts layer: SDK calls per second against the database service through the test harness (real wx-server-sdk):
// sequential doc(id).get() and doc(id).update({ data: { n: _.inc(1) } }), 2,000 each after a warm-up.
// Run: npx tsx scripts/bench-db.ts [count]   (add a data dir with TIXING_BENCH_DATADIR=/tmp/x to include the journal)
//      npx tsx scripts/bench-db.ts [count] --emulator   (the same through the full emulator server: startEmulator)
import { startEmulator } from '../emulator';
import { startHarness, sdkDb } from '../test/emulator/db/harness';

/** Through the whole emulator (its HTTP server, /admin routing, invocation attribution), as `npm start` serves it. */
async function viaEmulator(n: number): Promise<void> {
  const emu = await startEmulator({ port: 0, quiet: true });
  emu.db.createCollection('bench');
  emu.db.insert('bench', [{ _id: 'doc', n: 0, name: 'benchmark document', tags: ['a', 'b'] }]);
  const db = sdkDb(`${emu.url}/admin`);
  const _ = db.command;
  const doc = db.collection('bench').doc('doc');
  for (const [label, op] of [['doc(id).get()', () => doc.get()], ['doc(id).update(inc)', () => doc.update({ data: { n: _.inc(1) } })]] as const) {
    for (let i = 0; i < 200; i++) await op();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await op();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    console.log(`emulator ${label}: ${n} calls in ${ms.toFixed(0)} ms = ${((n * 1000) / ms).toFixed(0)} calls/s (${(ms / n).toFixed(2)} ms/call)`);
  }
  await emu.stop();
}

async function main(): Promise<void> {
  const n = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 2000);
  if (process.argv.includes('--emulator')) return viaEmulator(n);
  const h = await startHarness(process.env.TIXING_BENCH_DATADIR ? { dataDir: process.env.TIXING_BENCH_DATADIR } : {});
  const db = sdkDb(h.url);
  const _ = db.command;
  h.service.insert('bench', [{ _id: 'doc', n: 0, name: 'benchmark document', tags: ['a', 'b'], at: new Date() }]);
  const doc = db.collection('bench').doc('doc');
  const run = async (label: string, op: () => Promise<unknown>): Promise<void> => {
    for (let i = 0; i < 200; i++) await op(); // warm-up
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await op();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    console.log(`${label}: ${n} calls in ${ms.toFixed(0)} ms = ${((n * 1000) / ms).toFixed(0)} calls/s (${(ms / n).toFixed(2)} ms/call)`);
  };
  await run('doc(id).get()', () => doc.get());
  await run('doc(id).update(inc)', () => doc.update({ data: { n: _.inc(1) } }));
  // The same requests straight into the service (no SDK, no HTTP): the emulator's own share of each call.
  const ctx = { envName: 'tixing-local', requestId: 'bench' };
  const raw = { collectionName: 'bench', query: '{"_id":"doc"}', queryType: 'DOC', multi: false };
  const inc = { ...raw, action: 'database.modifyDocument', merge: true, upsert: false, data: '{"$inc":{"n":{"$numberInt":"1"}}}' };
  await run('service.handle getDocument', () => h.service.handle({ ...raw, action: 'database.getDocument' }, ctx));
  await run('service.handle modifyDocument', () => h.service.handle({ ...inc }, ctx));
  const final = (await doc.get()).data.n as number;
  console.log(`final n = ${final} (expected ${2 * (n + 200)}); requests by action:`, h.service.stats().byAction);
  await h.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
