// Emulator layer: database export and import as a directory of JSON files (`--export-on-exit <dir>`,
// `--import <dir>`), as Firebase's emulators do. Layout:
//   <dir>/tixing-export.json            { "version": 1, "exportedAt": "<ISO, virtual time>", "collections": [...] }
//   <dir>/collections/<name>.json       the collection's documents, relaxed Extended JSON (Dates as {"$date": ...})
// The export is written to a sibling temporary directory and renamed into place, so a reader never sees half of one.
import { EJSON } from 'bson';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { DatabaseService, Doc } from './contracts';

export const EXPORT_META = 'tixing-export.json';
const COLLECTIONS_DIR = 'collections';
const NAME_RE = /^[A-Za-z0-9_-]{1,128}$/;

export class ExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportError';
  }
}

/** Writes the database to `dir` (replacing an earlier export there). Returns the collection names written. */
export function exportDatabase(db: DatabaseService, dir: string, now: number): string[] {
  const target = resolve(dir);
  const { collections } = db.exportSnapshot();
  const names = Object.keys(collections).sort();
  const tmp = join(dirname(target), `.${basename(target)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, COLLECTIONS_DIR), { recursive: true });
  for (const name of names) {
    const text = EJSON.stringify(collections[name] ?? [], undefined, 1, { relaxed: true });
    writeFileSync(join(tmp, COLLECTIONS_DIR, `${name}.json`), `${text}\n`);
  }
  writeFileSync(join(tmp, EXPORT_META), `${JSON.stringify({ version: 1, exportedAt: new Date(now).toISOString(), collections: names }, null, 2)}\n`);
  const old = `${tmp}-old`;
  if (existsSync(target)) renameSync(target, old);
  renameSync(tmp, target);
  rmSync(old, { recursive: true, force: true });
  return names;
}

/** Reads an export written by exportDatabase: every collection's documents. */
export function readExport(dir: string): Record<string, Doc[]> {
  const root = resolve(dir);
  const metaPath = join(root, EXPORT_META);
  if (!existsSync(metaPath)) throw new ExportError(`${dir} is not a Tixing export (no ${EXPORT_META}; write one with --export-on-exit)`);
  let meta: { version?: unknown; collections?: unknown };
  try {
    meta = JSON.parse(readFileSync(metaPath, 'utf8')) as typeof meta;
  } catch {
    throw new ExportError(`${EXPORT_META} in ${dir} is not valid JSON`);
  }
  if (meta.version !== 1 || !Array.isArray(meta.collections)) throw new ExportError(`${EXPORT_META} in ${dir}: unsupported version or no collection list`);
  const out: Record<string, Doc[]> = {};
  const files = new Set(existsSync(join(root, COLLECTIONS_DIR)) ? readdirSync(join(root, COLLECTIONS_DIR)) : []);
  for (const name of meta.collections) {
    if (typeof name !== 'string' || !NAME_RE.test(name)) throw new ExportError(`${EXPORT_META} in ${dir}: bad collection name ${JSON.stringify(name)}`);
    if (!files.has(`${name}.json`)) throw new ExportError(`${dir}: ${COLLECTIONS_DIR}/${name}.json is missing`);
    let docs: unknown;
    try {
      docs = EJSON.parse(readFileSync(join(root, COLLECTIONS_DIR, `${name}.json`), 'utf8'), { relaxed: true });
    } catch {
      throw new ExportError(`${dir}: ${COLLECTIONS_DIR}/${name}.json is not valid (relaxed Extended) JSON`);
    }
    if (!Array.isArray(docs)) throw new ExportError(`${dir}: ${COLLECTIONS_DIR}/${name}.json must hold an array of documents`);
    out[name] = docs as Doc[];
  }
  return out;
}

/** Replaces the database with the export in `dir`. Returns the collection names imported. */
export function importDatabase(db: DatabaseService, dir: string): string[] {
  const collections = readExport(dir);
  db.importSnapshot({ collections });
  return Object.keys(collections);
}
