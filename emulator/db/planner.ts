// Emulator layer (db): the query planner. It narrows a query to candidate documents with the secondary indexes, as
// CloudBase's indexes do; the caller still evaluates the whole query with mingo on them, so results equal a scan.
// Candidates come in natural (insertion) order, which is the order a scan sees; an "ordered" plan yields them in
// the final sort order instead: groups of equal sort values in value order (reversed for desc), each group in
// natural order — exactly mingo's stable $sort (pipeline/sort.js: groupBy, sort keys, reverse for -1).
import type { Doc } from '../contracts';
import { isPlainObject } from './ejson';
import { cmpKey, keyOf, bucketName, type Key } from './keys';
import { compositeBucket, ODD_BUCKET, type Bucket, type CollectionIndexes, type Entry, type SecondaryIndex, type SecondaryIndexes } from './secondary';
import type { SortedList } from './sorted-list';
import type { IdKey } from './store';

type Op = '$gt' | '$gte' | '$lt' | '$lte';
/** `notIn` ($ne, $nin): usable on an index's first key only — every bucket but those values' (as MongoDB scans the two ranges around a value). */
type Constraint = { in: Key[] } | { op: Op; k: Key } | { notIn: Key[] };
type Interval = [number, number];

export interface Planned {
  docs: Iterable<Doc>;
  /** True when `docs` already come in the requested order (then only skip/limit/projection remain). */
  ordered: boolean;
  index: string;
  estimate: number;
}

const RANGE = new Set(['$gt', '$gte', '$lt', '$lte']);
/** An ordered plan is kept unless an unordered one is this many times smaller (it stops at offset + limit). */
const ORDERED_ADVANTAGE = 8;

function queryKey(v: unknown): Key | undefined {
  return v === undefined ? undefined : keyOf(v);
}

/** Index-usable conditions of top-level fields and of top-level `$and` members (recursively). */
function collect(query: Doc, out: Map<string, Constraint[]>): void {
  for (const [f, v] of Object.entries(query)) {
    if (f === '$and' && Array.isArray(v)) {
      for (const q of v) if (isPlainObject(q)) collect(q, out);
      continue;
    }
    if (f.startsWith('$')) continue;
    const list = out.get(f) ?? [];
    out.set(f, list);
    const ops = isPlainObject(v) ? Object.keys(v) : [];
    if (!ops.some((k) => k.startsWith('$'))) {
      const k = queryKey(v);
      if (k) list.push({ in: [k] });
      continue;
    }
    if (!ops.every((k) => k.startsWith('$'))) continue;
    for (const [op, arg] of Object.entries(v as Doc)) {
      if (op === '$eq') {
        const k = queryKey(arg);
        if (k) list.push({ in: [k] });
      } else if (op === '$in' && Array.isArray(arg)) {
        const keys = arg.map(queryKey);
        if (keys.every((k): k is Key => k !== undefined)) {
          list.push({ in: [...new Map(keys.map((k) => [bucketName(k), k])).values()] });
        }
      } else if (RANGE.has(op)) {
        const k = queryKey(arg);
        if (k && k.r !== 2) list.push({ op: op as Op, k });
      } else if (op === '$ne' || (op === '$nin' && Array.isArray(arg))) {
        // A document whose value is one of these (a scalar, so in that value's bucket) cannot match; every other
        // bucket, the odd one (arrays) included, stays a candidate and mingo decides.
        const keys = (op === '$ne' ? [arg] : (arg as unknown[])).map(queryKey);
        if (keys.every((k): k is Key => k !== undefined)) list.push({ notIn: keys });
      }
    }
  }
}

function intervals(arr: SortedList<Entry>, c: Constraint): Interval[] {
  if ('notIn' in c) return [[0, arr.size]]; // not narrowed on a second key
  if ('in' in c) {
    return [...c.in].sort(cmpKey)
      .map((k): Interval => [arr.firstWhere((e) => cmpKey(e, k) >= 0), arr.firstWhere((e) => cmpKey(e, k) > 0)])
      .filter(([a, b]) => a < b);
  }
  const { op, k } = c;
  const at = (strict: boolean): number => arr.firstWhere((e) => (strict ? cmpKey(e, k) > 0 : cmpKey(e, k) >= 0));
  const rankStart = (): number => arr.firstWhere((e) => e.r >= k.r);
  const rankEnd = (): number => arr.firstWhere((e) => e.r > k.r);
  const iv: Interval = op === '$gt' ? [at(true), rankEnd()] : op === '$gte' ? [at(false), rankEnd()]
    : op === '$lt' ? [rankStart(), at(false)] : [rankStart(), at(true)];
  return iv[0] < iv[1] ? [iv] : [];
}

function intersect(a: Interval[], b: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const [a0, a1] of a) for (const [b0, b1] of b) if (Math.max(a0, b0) < Math.min(a1, b1)) out.push([Math.max(a0, b0), Math.min(a1, b1)]);
  return out;
}

interface Part {
  bucket: Bucket;
  ivs: Interval[] | undefined;
  size: number;
}

interface IxPlan {
  ix: SecondaryIndex;
  parts: Part[];
  size: number;
}

/** The bucket sets an index can narrow a query to, one per usable constraint on its bucket key(s). */
function bucketChoices(ix: SecondaryIndex, conds: Map<string, Constraint[]>): Bucket[][] {
  const pick = (names: string[]): Bucket[] => [...names, ODD_BUCKET].map((b) => ix.buckets.get(b)).filter((b): b is Bucket => !!b);
  if (ix.composite) {
    // Equality (or $in) on both of the first two keys: the buckets of every pair of values.
    const [a, b] = ix.prefix.map((f) => (conds.get(f) ?? []).find((c): c is { in: Key[] } => 'in' in c));
    if (!a || !b) return [];
    return [pick(a.in.flatMap((x) => b.in.map((y) => compositeBucket([bucketName(x), bucketName(y)]))))];
  }
  const out: Bucket[][] = [];
  for (const c of conds.get(ix.first) ?? []) {
    if ('in' in c) out.push(pick(c.in.map(bucketName)));
    else if ('notIn' in c) {
      const not = new Set(c.notIn.map(bucketName));
      out.push([...ix.buckets].filter(([name]) => !not.has(name)).map(([, b]) => b));
    }
  }
  return out;
}

function planIndex(ix: SecondaryIndex, conds: Map<string, Constraint[]>): IxPlan | undefined {
  let best: IxPlan | undefined;
  const seconds = ix.second === undefined ? [] : conds.get(ix.second) ?? [];
  for (const buckets of bucketChoices(ix, conds)) {
    const parts = buckets.map((bucket): Part => {
      if (!seconds.length) return { bucket, ivs: undefined, size: bucket.seqs.size };
      let ivs: Interval[] = [[0, bucket.sorted.size]];
      for (const s of seconds) ivs = intersect(ivs, intervals(bucket.sorted, s));
      return { bucket, ivs, size: ivs.reduce((n, [a, b]) => n + b - a, 0) + bucket.odd.size };
    });
    const size = parts.reduce((n, p) => n + p.size, 0);
    if (!best || size < best.size) best = { ix, parts, size };
  }
  return best;
}

/** The sequence numbers of entries [a, b) of a bucket's sorted list. */
function* seqsOf(arr: SortedList<Entry>, a: number, b: number): Generator<number> {
  for (const e of arr.values(a, b)) yield e.seq;
}

/**
 * Ascending sequence numbers of a plan's candidates (natural order), produced lazily so a query with a limit stops
 * early. Entries of one second-key value are already in natural order (the list sorts by key, then seq): such an
 * interval is streamed as it is — a campaign's `pending` deliveries are found without walking past its sent ones.
 * A range over several values is collected and sorted, unless it covers most of the bucket (then the bucket's own
 * natural order is walked and mingo filters).
 */
function naturalSeqs(plan: IxPlan): Iterable<number> {
  const streams: Iterable<number>[] = [];
  for (const { bucket, ivs } of plan.parts) {
    if (!ivs) {
      streams.push(bucket.seqs);
      continue;
    }
    const single = (iv: Interval): boolean => {
      const first = bucket.sorted.at(iv[0]);
      const last = bucket.sorted.at(iv[1] - 1);
      return !!first && !!last && cmpKey(first, last) === 0;
    };
    const ranges = ivs.filter((iv) => !single(iv));
    const rangeSize = ranges.reduce((n, [a, b]) => n + b - a, 0);
    if (rangeSize * 2 >= bucket.seqs.size) {
      streams.push(bucket.seqs); // most of the bucket: skip the sort
      continue;
    }
    for (const iv of ivs) if (!ranges.includes(iv)) streams.push(seqsOf(bucket.sorted, iv[0], iv[1]));
    if (ranges.length) {
      const seqs = new Float64Array(rangeSize);
      let i = 0;
      for (const [a, b] of ranges) for (const e of bucket.sorted.values(a, b)) seqs[i++] = e.seq;
      streams.push(seqs.sort());
    }
    if (bucket.odd.size) streams.push(bucket.odd);
  }
  return mergeAscending(streams);
}

/** Merges ascending, disjoint streams into one ascending stream, lazily. */
function* mergeAscending(streams: Iterable<number>[]): Generator<number> {
  if (streams.length === 1) {
    yield* streams[0] as Iterable<number>;
    return;
  }
  const its = streams.map((s) => s[Symbol.iterator]());
  const heads = its.map((it) => it.next());
  for (;;) {
    let min = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i] as IteratorResult<number>;
      if (!h.done && (min < 0 || h.value < (heads[min] as IteratorYieldResult<number>).value)) min = i;
    }
    if (min < 0) return;
    yield (heads[min] as IteratorYieldResult<number>).value;
    heads[min] = (its[min] as Iterator<number>).next();
  }
}

/** Entries of one interval in mingo's sort order: by value (groups reversed for desc), natural order within a group. */
function* orderedSeqs(arr: SortedList<Entry>, [lo, hi]: Interval, desc: boolean): Generator<number> {
  if (!desc) {
    for (const e of arr.values(lo, hi)) yield e.seq;
    return;
  }
  let group: number[] = [];
  let k: Key | undefined;
  for (const e of arr.reversed(lo, hi)) {
    if (k && cmpKey(e, k) !== 0) {
      for (let i = group.length - 1; i >= 0; i--) yield group[i] as number;
      group = [];
    }
    k = e;
    group.push(e.seq);
  }
  for (let i = group.length - 1; i >= 0; i--) yield group[i] as number;
}

/** The direction when `order` sorts by exactly the index's second key, else undefined. */
function orderDirection(ix: SecondaryIndex, order: Doc | undefined): 1 | -1 | undefined {
  const keys = order ? Object.keys(order) : [];
  if (keys.length !== 1 || ix.second === undefined || keys[0] !== ix.second || !order) return undefined;
  const d = order[ix.second];
  return d === 1 || d === 'asc' ? 1 : d === -1 || d === 'desc' ? -1 : undefined;
}

function* docsOf(ci: CollectionIndexes, docs: ReadonlyMap<IdKey, Doc>, seqs: Iterable<number>): Generator<Doc> {
  for (const s of seqs) {
    const d = docs.get(ci.keyOf.get(s) as IdKey);
    if (d) yield d;
  }
}

/**
 * Candidates of `query` over a collection's committed documents `docs`, from the index with the smallest candidate
 * set (an index whose order serves `order` is preferred); undefined when no index applies (the caller scans).
 */
export function planQuery(sec: SecondaryIndexes | undefined, coll: string, docs: ReadonlyMap<IdKey, Doc>, query: Doc, order?: Doc): Planned | undefined {
  const ci = sec?.of(coll);
  if (!ci) return undefined;
  const conds = new Map<string, Constraint[]>();
  collect(query, conds);
  let best: IxPlan | undefined;
  let ordered: { plan: IxPlan; dir: 1 | -1 } | undefined;
  for (const ix of ci.list) {
    const p = planIndex(ix, conds);
    if (!p) continue;
    if (!best || p.size < best.size) best = p;
    const dir = orderDirection(ix, order);
    const only = p.parts[0];
    if (dir && p.parts.length <= 1 && (!only || (!only.bucket.odd.size && (only.ivs?.length ?? 1) <= 1))) {
      if (!ordered || p.size < ordered.plan.size) ordered = { plan: p, dir };
    }
  }
  if (!best) return undefined;
  if (ordered && ordered.plan.size <= best.size * ORDERED_ADVANTAGE) {
    const { plan, dir } = ordered;
    const part = plan.parts[0];
    const iv: Interval | undefined = part && (part.ivs ? part.ivs[0] : [0, part.bucket.sorted.size]);
    const seqs = part && iv ? orderedSeqs(part.bucket.sorted, iv, dir === -1) : [];
    return { docs: docsOf(ci, docs, seqs), ordered: true, index: plan.ix.spec.name, estimate: plan.size };
  }
  return { docs: docsOf(ci, docs, naturalSeqs(best)), ordered: false, index: best.ix.spec.name, estimate: best.size };
}
