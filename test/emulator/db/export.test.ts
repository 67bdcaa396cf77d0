// Database export/import as JSON files (--export-on-exit / --import): round trip with Dates and ids, atomic
// replacement of an earlier export, and clear refusals of a directory that is not a complete export.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createClock } from '../../../emulator/clock';
import { createDatabaseService } from '../../../emulator/db';
import { exportDatabase, importDatabase } from '../../../emulator/export';

const clock = createClock(Date.parse('2026-05-01T00:00:00Z'));
const fresh = () => createDatabaseService({ clock });

it('round-trips collections, Dates, numeric ids and empty collections', async () => {
  const a = await fresh();
  a.insert('users', [{ _id: 'o-1', nickname: '小明', at: new Date('2026-05-01T08:00:00Z'), n: 1.5 }, { _id: 7, tags: ['vip'] }]);
  a.createCollection('empty');
  const dir = join(mkdtempSync(join(tmpdir(), 'tixing-exp-')), 'out');
  expect(exportDatabase(a, dir, clock.now())).toEqual(['empty', 'users']);
  const b = await fresh();
  expect(importDatabase(b, dir).sort()).toEqual(['empty', 'users']);
  expect(b.collections().sort()).toEqual(['empty', 'users']);
  const users = b.find('users');
  expect(users).toEqual(expect.arrayContaining([{ _id: 'o-1', nickname: '小明', at: new Date('2026-05-01T08:00:00Z'), n: 1.5 }, { _id: 7, tags: ['vip'] }]));
  expect(users.find((u) => u._id === 'o-1')?.at).toBeInstanceOf(Date);
});

it('replaces an earlier export whole and leaves no temporary directory behind', async () => {
  const a = await fresh();
  const dir = join(mkdtempSync(join(tmpdir(), 'tixing-exp-')), 'out');
  a.insert('old', [{ _id: 'x' }]);
  exportDatabase(a, dir, clock.now());
  a.reset();
  a.insert('new', [{ _id: 'y' }]);
  exportDatabase(a, dir, clock.now());
  expect(readdirSync(join(dir, 'collections'))).toEqual(['new.json']);
  expect(readdirSync(dirname(dir))).toEqual(['out']);
});

it('refuses a directory that is not an export, or one with a collection file missing, naming it', async () => {
  const db = await fresh();
  const empty = mkdtempSync(join(tmpdir(), 'tixing-exp-'));
  expect(() => importDatabase(db, empty)).toThrow(/is not a Tixing export/);
  const dir = join(empty, 'out');
  const src = await fresh();
  src.insert('users', [{ _id: 'o-1' }]);
  exportDatabase(src, dir, clock.now());
  writeFileSync(join(dir, 'collections', 'users.json'), '[{"_id": ');
  expect(() => importDatabase(db, dir)).toThrow(/collections\/users\.json is not valid/);
  rmSync(join(dir, 'collections', 'users.json'));
  expect(() => importDatabase(db, dir)).toThrow(/collections\/users\.json is missing/);
  expect(existsSync(join(dir, 'tixing-export.json'))).toBe(true);
  expect(db.collections()).toEqual([]);
});
