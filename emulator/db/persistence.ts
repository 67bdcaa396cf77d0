// Emulator layer (db): durability. One journal of EJSON lines (one line = one request's or one commit's changes,
// written synchronously before the answer) plus a snapshot rewritten atomically (tmp + fsync + rename). Both carry a
// generation number: a journal whose generation differs from the snapshot's is stale and ignored, so a crash between
// writing a new snapshot and starting its journal loses nothing and replays nothing twice. A torn last line is ignored.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Doc, Logger } from '../contracts';
import { decodeEJSON, encodeEJSON, isPlainObject } from './ejson';
import type { Op, Store } from './store';

export interface Persistence {
  /** Loads the saved state into an empty store. */
  load(store: Store): void;
  /** Appends one atomic batch of changes (synchronously, before they are applied and answered). */
  append(ops: readonly Op[]): void;
  /** Compacts when the journal outgrew its threshold. */
  maybeCompact(store: Store): void;
  /** Writes `store` as the new snapshot and starts an empty journal (also used by reset and import). */
  compact(store: Store): void;
  close(store: Store): void;
}

export function memoryPersistence(): Persistence {
  return { load() {}, append() {}, maybeCompact() {}, compact() {}, close() {} };
}

const SNAPSHOT = 'snapshot.ejsonl';
const JOURNAL = 'journal.ejsonl';

export function filePersistence(dir: string, compactBytes: number, log: Logger): Persistence {
  const snapPath = path.join(dir, SNAPSHOT);
  const journalPath = path.join(dir, JOURNAL);
  let gen = 0;
  let fd: number | undefined;
  let journalBytes = 0;
  let journalOps = 0;

  function startJournal(): void {
    if (fd !== undefined) fs.closeSync(fd);
    const header = encodeEJSON({ tixingJournal: 1, gen }) + '\n';
    writeAtomic(journalPath, [header]);
    fd = fs.openSync(journalPath, 'a');
    journalBytes = Buffer.byteLength(header);
    journalOps = 0;
  }

  function compact(store: Store): void {
    gen += 1;
    writeAtomic(snapPath, snapshotLines(store, gen));
    startJournal();
  }

  return {
    load(store) {
      fs.mkdirSync(dir, { recursive: true });
      for (const f of fs.readdirSync(dir)) if (f.includes('.tmp-')) fs.rmSync(path.join(dir, f), { force: true });
      if (fs.existsSync(snapPath)) gen = loadSnapshot(snapPath, store);
      const replayed = fs.existsSync(journalPath) ? replayJournal(journalPath, gen, store, log) : 0;
      if (replayed) compact(store);
      else startJournal();
    },
    append(ops) {
      if (fd === undefined) throw new Error('database journal is closed');
      const line = Buffer.from(encodeEJSON({ ops }) + '\n');
      writeAll(fd, line);
      journalBytes += line.length;
      journalOps += 1;
    },
    maybeCompact(store) {
      if (journalBytes > compactBytes) compact(store);
    },
    compact,
    close(store) {
      if (fd === undefined) return;
      if (journalOps) compact(store);
      fs.closeSync(fd);
      fd = undefined;
    },
  };
}

function* snapshotLines(store: Store, gen: number): Generator<string> {
  yield encodeEJSON({ tixingDb: 1, gen }) + '\n';
  for (const c of store.names()) {
    yield encodeEJSON({ c }) + '\n';
    for (const d of store.docs(c)?.values() ?? []) yield encodeEJSON({ c, d }) + '\n';
  }
}

function loadSnapshot(file: string, store: Store): number {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length);
  const header = parseLine(lines[0] ?? '');
  if (!header || typeof header.gen !== 'number') throw new Error(`${file}: not a Tixing database snapshot`);
  const ops: Op[] = [];
  for (let i = 1; i < lines.length; i++) {
    const rec = parseLine(lines[i] as string);
    if (!rec || typeof rec.c !== 'string') throw new Error(`${file}:${i + 1}: corrupt snapshot line`);
    ops.push(isPlainObject(rec.d) ? { c: rec.c, put: rec.d } : { c: rec.c, create: true });
  }
  store.apply(ops);
  return header.gen;
}

/** Replays the journal of generation `gen`; returns how many lines it applied (or found torn). */
function replayJournal(file: string, gen: number, store: Store, log: Logger): number {
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const tail = lines.pop() ?? ''; // text after the last newline: a torn write when not empty
  const header = parseLine(lines[0] ?? '');
  if (!header || header.gen !== gen) {
    if (lines.length > 1) log(`[db] ignoring stale journal (generation ${String(header?.gen)}, snapshot ${gen})`);
    return 0;
  }
  let applied = tail ? 1 : 0;
  if (tail) log(`[db] ignoring torn last journal line (${tail.length} bytes)`);
  for (let i = 1; i < lines.length; i++) {
    const rec = parseLine(lines[i] as string);
    if (!rec || !Array.isArray(rec.ops)) {
      if (i === lines.length - 1) {
        log('[db] ignoring unreadable last journal line');
        return applied + 1;
      }
      throw new Error(`${file}:${i + 1}: corrupt journal line`);
    }
    store.apply(rec.ops as Op[]);
    applied += 1;
  }
  return applied;
}

function parseLine(line: string): Doc | undefined {
  try {
    const v = decodeEJSON(line, 'line', 0);
    return isPlainObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Writes a file so that readers see either the old or the complete new content. */
function writeAtomic(file: string, chunks: Iterable<string>): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    let buf = '';
    for (const c of chunks) {
      buf += c;
      if (buf.length > 1 << 20) {
        writeAll(fd, Buffer.from(buf));
        buf = '';
      }
    }
    if (buf) writeAll(fd, Buffer.from(buf));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  const dirFd = fs.openSync(path.dirname(file), 'r');
  try {
    fs.fsyncSync(dirFd);
  } finally {
    fs.closeSync(dirFd);
  }
}

function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
}
