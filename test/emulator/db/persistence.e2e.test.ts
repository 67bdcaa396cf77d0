// Test layer (emulator/db): durability with dataDir: reopen, torn journal lines (kill simulation), stale journal
// generations, atomic transaction commits, compaction, export/import and reset.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createClock } from '../../../emulator/clock';
import type { DatabaseService } from '../../../emulator/contracts';
import { createDatabaseService, type DatabaseTuning } from '../../../emulator/db';
import { startHarness, sdkDb } from './harness';

const clock = createClock(Date.parse('2026-05-01T00:00:00Z'));
const dirs: string[] = [];
const tmpDir = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tixing-db-'));
  dirs.push(d);
  return d;
};
const open = (dataDir: string, extra: DatabaseTuning = {}): Promise<DatabaseService> =>
  createDatabaseService({ clock, dataDir, log: () => {}, ...extra });
const copyDir = (from: string): string => {
  const to = tmpDir();
  for (const f of fs.readdirSync(from)) fs.copyFileSync(path.join(from, f), path.join(to, f));
  return to;
};
const journal = (dir: string): string => path.join(dir, 'journal.ejsonl');
/** Cuts the journal in the middle of its last line, as a kill during the write would. */
const tearLastLine = (dir: string): void => {
  const text = fs.readFileSync(journal(dir), 'utf8');
  const lastStart = text.lastIndexOf('\n', text.length - 2) + 1;
  fs.truncateSync(journal(dir), lastStart + Math.floor((text.length - lastStart) / 2));
};

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

it('data written through the SDK is there after close and reopen (types intact)', async () => {
  const dir = tmpDir();
  const h = await startHarness({ dataDir: dir });
  const db = sdkDb(h.url);
  await db.createCollection('p');
  await db.createCollection('empty');
  await db.collection('p').add({ data: { _id: 'x', when: new Date('2026-05-02T03:04:05Z'), re: /a+b/i, n: 1.5, big: 2 ** 40 } });
  await db.collection('p').doc('x').update({ data: { n: db.command.inc(1) } });
  await h.close();

  const again = await open(dir);
  expect(again.collections()).toEqual(['empty', 'p']);
  const [doc] = again.find('p');
  expect(doc).toEqual({ _id: 'x', when: new Date('2026-05-02T03:04:05Z'), re: /a+b/i, n: 2.5, big: 2 ** 40 });
  await again.close();
});

it('kill simulation: a torn last journal line is ignored, everything before it survives', async () => {
  const dir = tmpDir();
  const a = await open(dir);
  a.insert('k', [{ _id: 1, v: 'one' }]);
  a.insert('k', [{ _id: 2, v: 'two' }]);
  a.insert('k', [{ _id: 3, v: 'three' }]);
  const crashed = copyDir(dir); // the files as a killed process would leave them (no close, no compaction)
  await a.close();
  tearLastLine(crashed);

  const b = await open(crashed);
  expect(b.find('k').map((d) => d._id)).toEqual([1, 2]);
  b.insert('k', [{ _id: 4, v: 'four' }]); // appends after the repaired journal
  await b.close();
  const c = await open(crashed);
  expect(c.find('k').map((d) => d._id)).toEqual([1, 2, 4]);
  await c.close();
});

it('a transaction commit is one journal line: torn, none of its writes survive', async () => {
  const dir = tmpDir();
  const h = await startHarness({ dataDir: dir });
  const db = sdkDb(h.url);
  await db.createCollection('left');
  await db.createCollection('right');
  await db.runTransaction(async (tx: ReturnType<typeof sdkDb>) => {
    await tx.collection('left').add({ data: { _id: 'l' } });
    await tx.collection('right').add({ data: { _id: 'r' } });
  });
  const crashed = copyDir(dir);
  await h.close();
  const whole = await open(copyDir(crashed));
  expect([whole.find('left').length, whole.find('right').length]).toEqual([1, 1]);
  await whole.close();
  tearLastLine(crashed);
  const torn = await open(crashed);
  expect([torn.find('left').length, torn.find('right').length]).toEqual([0, 0]);
  expect(torn.collections()).toEqual(['left', 'right']);
  await torn.close();
});

it('a journal older than the snapshot (crash during compaction or reset) is not replayed', async () => {
  const dir = tmpDir();
  const a = await open(dir);
  a.insert('s', [{ _id: 'gone' }]);
  const oldJournal = fs.readFileSync(journal(dir));
  a.reset();
  a.insert('t', [{ _id: 'kept' }]);
  await a.close();
  fs.writeFileSync(journal(dir), oldJournal); // the new journal never made it to disk
  const b = await open(dir);
  expect(b.collections()).toEqual(['t']);
  expect(b.find('t')).toEqual([{ _id: 'kept' }]);
  await b.close();
});

it('compaction keeps the journal small and loses nothing', async () => {
  const dir = tmpDir();
  const a = await open(dir, { compactBytes: 4096 });
  for (let i = 0; i < 300; i++) a.insert('many', [{ _id: i, pad: 'x'.repeat(50) }]);
  expect(fs.statSync(journal(dir)).size).toBeLessThan(4096 + 200);
  const crashed = copyDir(dir);
  await a.close();
  const b = await open(crashed);
  expect(b.find('many')).toHaveLength(300);
  await b.close();
});

it('exportSnapshot / importSnapshot / reset', async () => {
  const src = await open(tmpDir());
  src.insert('a', [{ _id: 'a1', at: new Date(5), list: [1, { k: 2 }] }]);
  src.createCollection('b');
  const snap = src.exportSnapshot();
  expect(snap).toEqual({ collections: { a: [{ _id: 'a1', at: new Date(5), list: [1, { k: 2 }] }], b: [] } });
  await src.close();

  const dir = tmpDir();
  const dst = await open(dir);
  dst.insert('old', [{ _id: 'o' }]);
  dst.importSnapshot(snap);
  expect(dst.collections()).toEqual(['a', 'b']);
  expect(dst.find('a')).toEqual(snap.collections.a);
  const crashed = copyDir(dir);
  await dst.close();
  const reopened = await open(crashed);
  expect(reopened.exportSnapshot()).toEqual(snap);
  reopened.reset();
  expect(reopened.collections()).toEqual([]);
  await reopened.close();
  const afterReset = await open(crashed);
  expect(afterReset.collections()).toEqual([]);
  await afterReset.close();
});
