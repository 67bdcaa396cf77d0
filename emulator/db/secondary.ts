// Emulator layer (db): secondary indexes for every index of config/indexes.json, kept up to date by Store.apply (the
// single mutation point: requests, commits, load, journal replay, import) and Store.clear (reset). Per index: a hash
// of the first key's value → bucket; a bucket holds its documents' sequence numbers in natural (insertion) order and,
// for compound indexes, the second key sorted as mingo sorts it. Missing fields index as null [IDX-DOC].
// An index of three or more keys also gets a second, composite view: the bucket is the pair of the first two keys'
// values and the sorted key is the third, so equality on the first two keys narrows by the third as CloudBase's
// compound index does (e.g. a campaign's pending deliveries of one queue slot, without walking the other slots').
import type { Doc, IndexConfig, IndexSpec } from '../contracts';
import { bucketName, cmpKey, keyOf, valueAt, type Key } from './keys';
import { SortedList } from './sorted-list';
import type { IdKey, StoreObserver } from './store';

/**
 * A second-key entry: the key's rank and value (a Key itself), then the document's sequence number (ties keep
 * natural order, as mingo's sort). One object per entry, not a Key inside an entry: a million deliveries have
 * seven of these each, and every object on the heap is one more for the garbage collector to mark.
 */
export interface Entry extends Key {
  seq: number;
}

/**
 * One bucket. `sorted` and `odd` start as shared empty lists and get their own on the first entry: most buckets
 * never need one (an index of one key, a user's bucket whose second key is always a scalar).
 */
export interface Bucket {
  /** Sequence numbers, ascending = the collection's natural order. */
  readonly seqs: SortedList<number>;
  /** Compound indexes: documents with a scalar second key, by (key, seq). */
  sorted: SortedList<Entry>;
  /** Compound indexes: documents whose second key is not a scalar (ascending seqs). */
  odd: SortedList<number>;
}

/** Where a document sits in one index: its bucket and (compound indexes) its second key, undefined when odd. */
export interface Place {
  b: string;
  k2: Key | undefined;
}

/** The bucket of documents whose first key is not a scalar (arrays…): candidates of every equality lookup. */
export const ODD_BUCKET = '\u0000odd';

const cmpEntry = (a: Entry, b: Entry): number => cmpKey(a, b) || a.seq - b.seq;
const cmpNum = (a: number, b: number): number => a - b;
/** The lists of a bucket that has none yet (never inserted into: `add` gives the bucket its own first). */
const NO_ENTRIES = new SortedList<Entry>(cmpEntry);
const NO_SEQS = new SortedList<number>(cmpNum);

/** The bucket of a composite view for the bucket names of its first two keys' values. */
export function compositeBucket(names: readonly string[]): string {
  return JSON.stringify(names);
}

export class SecondaryIndex {
  readonly first: string;
  /** The fields whose values name a bucket: the first key, or (composite view) the first two keys. */
  readonly prefix: readonly string[];
  readonly second: string | undefined;
  readonly buckets = new Map<string, Bucket>();

  /**
   * `chunk`: the buckets' SortedList chunk size (tests pass a small one to exercise chunk splits and merges).
   * `composite`: the view of an index of 3+ keys bucketed by its first two keys and sorted by its third.
   */
  constructor(readonly spec: IndexSpec, private readonly chunk?: number, readonly composite = false) {
    const names = spec.keys.map((k) => k.name);
    this.first = names[0] as string;
    this.prefix = composite ? names.slice(0, 2) : names.slice(0, 1);
    this.second = composite ? names[2] : names[1];
  }

  /**
   * Positions of this index's fields in its collection's field list (CollectionIndexes.fields): prefix, then second.
   * Set once by CollectionIndexes, which owns that list (fields shared by several indexes are read once per write).
   */
  pos: number[] = [];

  /** The bucket and second key of a document whose field keys (by CollectionIndexes.fields position) are `keys`. */
  place(keys: readonly (Key | undefined)[]): Place {
    const p = this.pos;
    const k2 = this.second === undefined ? undefined : keys[p[this.prefix.length] as number];
    const k0 = keys[p[0] as number];
    if (!k0) return { b: ODD_BUCKET, k2 };
    if (!this.composite) return { b: bucketName(k0), k2 };
    const k1 = keys[p[1] as number];
    if (!k1) return { b: ODD_BUCKET, k2 };
    return { b: compositeBucket([bucketName(k0), bucketName(k1)]), k2 };
  }

  /** True when one of this index's field keys differs between the two versions (then its place may differ). */
  touchedBy(before: readonly (Key | undefined)[], after: readonly (Key | undefined)[]): boolean {
    for (const i of this.pos) {
      const a = before[i];
      const b = after[i];
      if (a === b) continue;
      if (!a || !b || a.r !== b.r || a.x !== b.x) return true;
    }
    return false;
  }

  /** True when the two places differ (the document moves in this index). */
  moves(a: Place, b: Place): boolean {
    if (a.b !== b.b || this.second === undefined) return a.b !== b.b;
    if (!a.k2 || !b.k2) return a.k2 !== b.k2;
    return cmpKey(a.k2, b.k2) !== 0;
  }

  add(seq: number, { b, k2 }: Place): void {
    const bucket = this.buckets.get(b) ?? this.newBucket(b);
    bucket.seqs.insert(seq);
    if (this.second !== undefined) this.addSecond(bucket, seq, k2);
  }

  private addSecond(bucket: Bucket, seq: number, k2: Key | undefined): void {
    if (!k2) {
      if (bucket.odd === NO_SEQS) bucket.odd = new SortedList(cmpNum, this.chunk);
      bucket.odd.insert(seq);
    } else {
      if (bucket.sorted === NO_ENTRIES) bucket.sorted = new SortedList(cmpEntry, this.chunk);
      bucket.sorted.insert({ r: k2.r, x: k2.x, seq });
    }
  }

  private newBucket(name: string): Bucket {
    const bucket: Bucket = { seqs: new SortedList(cmpNum, this.chunk), sorted: NO_ENTRIES, odd: NO_SEQS };
    this.buckets.set(name, bucket);
    return bucket;
  }

  /** Moves a document from one place to another; within one bucket only its second-key entry moves. */
  move(seq: number, from: Place, to: Place): void {
    const bucket = from.b === to.b ? this.buckets.get(from.b) : undefined;
    if (!bucket || this.second === undefined) {
      this.remove(seq, from);
      this.add(seq, to);
      return;
    }
    if (from.k2) bucket.sorted.delete({ r: from.k2.r, x: from.k2.x, seq });
    else bucket.odd.delete(seq);
    this.addSecond(bucket, seq, to.k2);
  }

  remove(seq: number, { b, k2 }: Place): void {
    const bucket = this.buckets.get(b);
    if (!bucket) return;
    bucket.seqs.delete(seq);
    if (this.second !== undefined) {
      if (!k2) bucket.odd.delete(seq);
      else bucket.sorted.delete({ r: k2.r, x: k2.x, seq });
    }
    if (!bucket.seqs.size) this.buckets.delete(b);
  }
}

/** One collection's indexes and the natural-order sequence numbers of its documents. */
export class CollectionIndexes {
  readonly seqOf = new Map<IdKey, number>();
  readonly keyOf = new Map<number, IdKey>();
  /** Every field some index keys on, once: a write computes each field's key once per version, for all indexes. */
  readonly fields: string[] = [];
  private next = 0;
  // Scratch key arrays of one put/drop (never held across calls).
  private readonly kb: (Key | undefined)[] = [];
  private readonly ka: (Key | undefined)[] = [];

  constructor(readonly list: SecondaryIndex[]) {
    for (const ix of list) {
      ix.pos = [...ix.prefix, ...(ix.second === undefined ? [] : [ix.second])].map((f) => {
        const i = this.fields.indexOf(f);
        return i >= 0 ? i : this.fields.push(f) - 1;
      });
    }
  }

  private keys(doc: Doc, out: (Key | undefined)[]): (Key | undefined)[] {
    for (let i = 0; i < this.fields.length; i++) out[i] = keyOf(valueAt(doc, this.fields[i] as string));
    return out;
  }

  put(key: IdKey, before: Doc | undefined, after: Doc): void {
    let seq = this.seqOf.get(key);
    const ka = this.keys(after, this.ka);
    if (seq === undefined || !before) {
      if (seq !== undefined) this.drop(key, before);
      seq = this.next++;
      this.seqOf.set(key, seq);
      this.keyOf.set(seq, key);
      for (const ix of this.list) ix.add(seq, ix.place(ka));
      return;
    }
    const kb = this.keys(before, this.kb);
    for (const ix of this.list) {
      if (!ix.touchedBy(kb, ka)) continue;
      const from = ix.place(kb);
      const to = ix.place(ka);
      if (ix.moves(from, to)) ix.move(seq, from, to);
    }
  }

  drop(key: IdKey, before: Doc | undefined): void {
    const seq = this.seqOf.get(key);
    if (seq === undefined) return;
    if (before) {
      const kb = this.keys(before, this.kb);
      for (const ix of this.list) ix.remove(seq, ix.place(kb));
    }
    this.seqOf.delete(key);
    this.keyOf.delete(seq);
  }
}

/** Every declared (non-geo) index, by collection; a Store observer. */
export class SecondaryIndexes implements StoreObserver {
  private readonly specs = new Map<string, IndexSpec[]>();
  private colls = new Map<string, CollectionIndexes>();

  /** `chunk`: the buckets' SortedList chunk size (default 512; tests pass a small one). */
  constructor(config: IndexConfig = {}, private readonly chunk?: number) {
    for (const [coll, specs] of Object.entries(config)) {
      const usable = specs.filter((s) => s.keys.length && s.keys.every((k) => k.direction !== '2dsphere'));
      if (usable.length) this.specs.set(coll, usable);
    }
  }

  /** The indexes of a collection (undefined when it declares none). */
  of(coll: string): CollectionIndexes | undefined {
    let c = this.colls.get(coll);
    if (!c) {
      const specs = this.specs.get(coll);
      if (!specs) return undefined;
      this.colls.set(coll, (c = new CollectionIndexes(specs.flatMap((s) => [
        new SecondaryIndex(s, this.chunk),
        ...(s.keys.length >= 3 ? [new SecondaryIndex(s, this.chunk, true)] : []),
      ]))));
    }
    return c;
  }

  put(coll: string, key: IdKey, before: Doc | undefined, after: Doc): void {
    this.of(coll)?.put(key, before, after);
  }
  del(coll: string, key: IdKey, before: Doc): void {
    this.of(coll)?.drop(key, before);
  }
  clear(): void {
    this.colls = new Map();
  }

  /** The index contents by document id, for tests: index → bucket → ids in natural order, by second key, odd. */
  describe(coll: string): Record<string, Record<string, { ids: IdKey[]; sorted: IdKey[]; odd: IdKey[] }>> {
    const c = this.of(coll);
    const out: Record<string, Record<string, { ids: IdKey[]; sorted: IdKey[]; odd: IdKey[] }>> = {};
    if (!c) return out;
    const id = (seq: number): IdKey => c.keyOf.get(seq) as IdKey;
    for (const ix of c.list) {
      const buckets: Record<string, { ids: IdKey[]; sorted: IdKey[]; odd: IdKey[] }> = {};
      for (const [name, b] of [...ix.buckets].sort(([x], [y]) => (x < y ? -1 : 1))) {
        buckets[name] = { ids: b.seqs.toArray().map(id), sorted: b.sorted.toArray().map((e) => id(e.seq)), odd: b.odd.toArray().map(id) };
      }
      out[ix.composite ? `${ix.spec.name} (composite)` : ix.spec.name] = buckets;
    }
    return out;
  }
}
