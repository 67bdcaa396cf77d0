// Emulator layer (db): a chunked sorted list — the ordered container of the secondary indexes' buckets. Items live in
// chunks of at most `maxChunk` items; a chunk is found by binary search over chunk maxima and edited with a small
// splice, so insert/remove cost O(log n + maxChunk) instead of the O(n) splice of one big array.

/** Ascending items by `cmp`; equal items keep insertion order (a new one goes after its equals). */
export class SortedList<T> {
  private chunks: T[][] = [];
  /**
   * starts[i] = rank of chunks[i][0], valid for i < valid (recomputed lazily after edits). Made only once there is a
   * second chunk: most lists (an index bucket of one user's documents) have one, and each array is a heap object.
   */
  private starts: number[] | undefined;
  private valid = 0;
  private count = 0;

  constructor(private readonly cmp: (a: T, b: T) => number, private readonly maxChunk = 512) {
    if (maxChunk < 2) throw new Error('maxChunk must be at least 2');
  }

  get size(): number {
    return this.count;
  }

  /** Index of the first chunk whose last item satisfies `pred` (chunks.length when none). */
  private chunkWhere(pred: (v: T) => boolean): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.chunks[mid] as T[];
      if (pred(c[c.length - 1] as T)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /**
   * Index of the first chunk whose last item is greater than `v` (`orEqual`: or equal); chunks.length when none.
   * `chunkWhere` with the comparison inline: insert and delete run on every index write, and a predicate closure per
   * call was measurable there.
   */
  private chunkFor(v: T, orEqual: boolean): number {
    const cmp = this.cmp;
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.chunks[mid] as T[];
      const d = cmp(c[c.length - 1] as T, v);
      if (d > 0 || (orEqual && d === 0)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private startOf(ci: number): number {
    if (ci === 0) return 0;
    const starts = (this.starts ??= [0]);
    if (this.valid < 1) this.valid = 1;
    for (let i = this.valid; i <= ci; i++) starts[i] = (starts[i - 1] as number) + (this.chunks[i - 1] as T[]).length;
    if (ci >= this.valid) this.valid = ci + 1;
    return starts[ci] as number;
  }

  private touched(ci: number): void {
    if (ci < this.valid) this.valid = ci;
  }

  insert(v: T): void {
    this.count++;
    const n = this.chunks.length;
    const last = this.chunks[n - 1];
    if (!last) {
      this.chunks.push([v]);
      this.touched(0);
      return;
    }
    // First chunk whose maximum is greater than v (v goes after its equals); else the last chunk (append).
    let ci = this.chunkFor(v, false);
    if (ci === n) ci = n - 1;
    const c = this.chunks[ci] as T[];
    if (ci === n - 1 && this.cmp(c[c.length - 1] as T, v) <= 0) c.push(v);
    else c.splice(upper(c, v, this.cmp), 0, v);
    this.touched(ci + 1);
    if (c.length > this.maxChunk) {
      this.chunks.splice(ci + 1, 0, c.splice(c.length >>> 1));
    }
  }

  /** Removes one item equal (cmp = 0) to `v`; false when there is none. */
  delete(v: T): boolean {
    const ci = this.chunkFor(v, true);
    const c = this.chunks[ci];
    if (!c) return false;
    const i = lower(c, v, this.cmp);
    if (i >= c.length || this.cmp(c[i] as T, v) !== 0) return false;
    c.splice(i, 1);
    this.count--;
    this.touched(ci);
    if (!c.length) this.chunks.splice(ci, 1);
    else if (c.length < this.maxChunk >>> 2) {
      // Keep chunks from shrinking to crumbs: fold a small chunk into a neighbour that has room.
      const next = this.chunks[ci + 1];
      const prev = this.chunks[ci - 1];
      if (next && c.length + next.length <= this.maxChunk) {
        c.push(...next);
        this.chunks.splice(ci + 1, 1);
      } else if (prev && c.length + prev.length <= this.maxChunk) {
        prev.push(...c);
        this.chunks.splice(ci, 1);
      }
    }
    return true;
  }

  /** Rank of the first item satisfying `pred`, a predicate false then true along the list (size when none). */
  firstWhere(pred: (v: T) => boolean): number {
    const ci = this.chunkWhere(pred);
    const c = this.chunks[ci];
    if (!c) return this.count;
    let lo = 0;
    let hi = c.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pred(c[mid] as T)) hi = mid;
      else lo = mid + 1;
    }
    return this.startOf(ci) + lo;
  }

  /** Chunk index and offset of rank `i` (0 ≤ i < size). */
  private locate(i: number): [number, number] {
    if (this.chunks.length === 1) return [0, i];
    this.startOf(this.chunks.length - 1);
    const starts = this.starts as number[];
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((starts[mid] as number) <= i) lo = mid;
      else hi = mid - 1;
    }
    return [lo, i - (starts[lo] as number)];
  }

  at(i: number): T | undefined {
    if (i < 0 || i >= this.count) return undefined;
    const [ci, off] = this.locate(i);
    return (this.chunks[ci] as T[])[off];
  }

  /** Items of ranks [from, to) in order. The list must not change while iterating. */
  *values(from = 0, to = this.count): Generator<T> {
    to = Math.min(to, this.count);
    if (from < 0) from = 0;
    if (from >= to) return;
    let [ci, off] = this.locate(from);
    for (let left = to - from; left > 0; ci++, off = 0) {
      const c = this.chunks[ci] as T[];
      const end = Math.min(c.length, off + left);
      for (let j = off; j < end; j++) yield c[j] as T;
      left -= end - off;
    }
  }

  /** Items of ranks [from, to) in reverse order. The list must not change while iterating. */
  *reversed(from = 0, to = this.count): Generator<T> {
    to = Math.min(to, this.count);
    if (from < 0) from = 0;
    if (from >= to) return;
    let [ci, off] = this.locate(to - 1);
    for (let left = to - from; left > 0; ) {
      const c = this.chunks[ci] as T[];
      const stop = Math.max(-1, off - left);
      for (let j = off; j > stop; j--) yield c[j] as T;
      left -= off - stop;
      ci--;
      off = ((this.chunks[ci] as T[] | undefined)?.length ?? 0) - 1;
    }
  }

  [Symbol.iterator](): Generator<T> {
    return this.values();
  }

  toArray(): T[] {
    return ([] as T[]).concat(...this.chunks);
  }
}

function lower<T>(c: readonly T[], v: T, cmp: (a: T, b: T) => number): number {
  let lo = 0;
  let hi = c.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cmp(c[mid] as T, v) >= 0) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function upper<T>(c: readonly T[], v: T, cmp: (a: T, b: T) => number): number {
  let lo = 0;
  let hi = c.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cmp(c[mid] as T, v) > 0) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
