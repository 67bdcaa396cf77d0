// Emulator layer (db): mingo 7 with CloudBase's (MongoDB's) answers where mingo's differ. mingo's top-level
// `Query`/`find`/`Aggregator`/`update` always merge its built-in operators over any custom context (Context.from keeps
// the left-most operator), so the built-ins cannot be replaced through options: this module builds one complete
// context (every mingo operator, then ours on top) and uses mingo's base classes with it.
import Ajv, { type ValidateFunction } from 'ajv';
import type { Doc } from '../contracts';

/* eslint-disable @typescript-eslint/no-require-imports */
// The package's subpath exports carry no typings for moduleResolution "node": the types come from its types/ folder.
const core = require('mingo/core') as typeof import('mingo/types/core');
const util = require('mingo/util') as typeof import('mingo/types/util');
const { Query: QueryBase } = require('mingo/query') as typeof import('mingo/types/query');
const { Aggregator: AggregatorBase } = require('mingo/aggregator') as typeof import('mingo/types/aggregator');
const updater = require('mingo/updater') as typeof import('mingo/types/updater');
const accumulatorOps = require('mingo/operators/accumulator') as Record<string, unknown>;
const expressionOps = require('mingo/operators/expression') as Record<string, unknown>;
const pipelineOps = require('mingo/operators/pipeline') as Record<string, unknown>;
const projectionOps = require('mingo/operators/projection') as Record<string, unknown>;
const queryOps = require('mingo/operators/query') as Record<string, unknown>;
const windowOps = require('mingo/operators/window') as Record<string, unknown>;
/* eslint-enable @typescript-eslint/no-require-imports */

type Options = import('mingo/types/types').Options;
type Predicate = (obj: unknown) => boolean;
type QueryOp = (selector: string, value: unknown, options: Options) => Predicate;
type ExprOp = (obj: unknown, expr: unknown, options: Options) => unknown;
export type PipelineOp = (collection: import('mingo/types/lazy').Iterator, expr: unknown, options: Options) => import('mingo/types/lazy').Iterator;

const evalArgs = (obj: unknown, expr: unknown, options: Options): unknown => core.evalExpr(obj, expr, options);

/**
 * `$elemMatch` as MongoDB evaluates it: criteria made only of operators (`{$gt: 2}`) test each element as a value;
 * criteria naming fields (`{value: {$exists: true}}`) test only elements that are documents (mingo 7 also tests
 * numbers and strings against them, so `{value: {$exists: true}}` matched `['Go']`).
 */
const $elemMatch: QueryOp = (selector, criteria, options) => {
  if (!util.isObject(criteria)) throw new util.MingoError('$elemMatch needs an object');
  const keys = Object.keys(criteria);
  const onValue = keys.length > 0 && keys.every((k) => util.isOperator(k) && k !== '$and' && k !== '$or' && k !== '$nor');
  const q = new QueryBase(onValue ? { v: criteria } : (criteria as Doc), options);
  const matches = (e: unknown): boolean => (onValue ? q.test({ v: e }) : util.isObject(e) && q.test(e));
  return (obj) => {
    const arr = util.resolve(obj as Doc, selector, { unwrapArray: true }) as unknown;
    return Array.isArray(arr) && arr.some(matches);
  };
};

/**
 * MongoDB `$week`: 0–53, weeks start on Sunday and the days before the year's first Sunday are week 0 (mingo 7
 * derives it from the ISO week: 2019-05-14 gave 20 where MongoDB answers 19). Built on mingo's own `$dayOfYear` and
 * `$dayOfWeek`, so `{date, timezone}` works as for them.
 */
const $week: ExprOp = (obj, expr, options) => {
  const date = evalArgs(obj, util.isObject(expr) && 'date' in expr ? (expr as Doc).date : expr, options);
  if (date === null || date === undefined) return null; // MongoDB: null for a missing date
  const ops = expressionOps as Record<string, ExprOp>;
  const doy = (ops.$dayOfYear as ExprOp)(obj, expr, options);
  const dow = (ops.$dayOfWeek as ExprOp)(obj, expr, options);
  if (typeof doy !== 'number' || typeof dow !== 'number') return null;
  const jan1 = (((dow - 1 - (doy - 1)) % 7) + 7) % 7; // day of week of January 1st, 0 = Sunday
  const firstSunday = (7 - jan1) % 7; // its 0-based day of the year
  return Math.floor((doy - 1 + 7 - firstSunday) / 7);
};

/** MongoDB `$indexOfCP`: [string, substring, start?, end?] in code points; -1 when absent, null for a null string. */
const $indexOfCP: ExprOp = (obj, expr, options) => {
  if (!Array.isArray(expr) || expr.length < 2 || expr.length > 4) throw new util.MingoError('$indexOfCP expects 2 to 4 arguments');
  const [s, sub, start, end] = evalArgs(obj, expr, options) as unknown[];
  if (s === null || s === undefined) return null;
  if (typeof s !== 'string' || typeof sub !== 'string') throw new util.MingoError('$indexOfCP needs strings');
  const cps = [...s];
  const subCps = [...sub];
  const from = start === undefined ? 0 : Number(start);
  const to = end === undefined ? cps.length : Math.min(Number(end), cps.length);
  if (!Number.isInteger(from) || from < 0 || !Number.isInteger(to) || to < 0) throw new util.MingoError('$indexOfCP: start and end must be non-negative integers');
  for (let i = from; i + subCps.length <= to; i++) {
    if (subCps.every((c, j) => cps[i + j] === c)) return i;
  }
  return -1;
};

/** `$substr`/`$substrBytes` (byte offsets): a negative length takes the rest of the string, as MongoDB does. */
function substrBytes(name: string): ExprOp {
  const base = (expressionOps as Record<string, ExprOp>).$substrBytes as ExprOp;
  return (obj, expr, options) => {
    if (!Array.isArray(expr) || expr.length !== 3) throw new util.MingoError(`${name} expects array(3)`);
    const [s, index, count] = evalArgs(obj, expr, options) as unknown[];
    const rest = typeof s === 'string' && typeof index === 'number' ? Math.max(0, Buffer.byteLength(s) - index) : count;
    const n = typeof count === 'number' && count < 0 ? rest : count;
    return base(obj, [{ $literal: s }, { $literal: index }, { $literal: n }], options);
  };
}

/** Extra operators (geo, …) registered by other modules before the first query. */
const extra = { query: {} as Record<string, QueryOp>, pipeline: {} as Record<string, PipelineOp> };

export function addQueryOperators(ops: Record<string, QueryOp>): void {
  Object.assign(extra.query, ops);
  context = undefined;
}
export function addPipelineOperators(ops: Record<string, PipelineOp>): void {
  Object.assign(extra.pipeline, ops);
  context = undefined;
}

type Context = ReturnType<typeof core.Context.init>;
let context: Context | undefined;

function ctx(): Context {
  context ??= core.Context.init({
    accumulator: accumulatorOps,
    expression: { ...expressionOps, $week, $indexOfCP, $substr: substrBytes('$substr'), $substrBytes: substrBytes('$substrBytes') },
    pipeline: { ...pipelineOps, ...extra.pipeline },
    projection: projectionOps,
    query: { ...queryOps, $elemMatch, ...extra.query },
    window: windowOps,
  } as never);
  return context;
}

// `_.jsonSchema(...)` → `$jsonSchema`: validated with ajv (MongoDB's draft-4 subset; `bsonType` and other unknown
// keywords are ignored rather than refused).
const ajv = new Ajv({ strict: false, allErrors: false, validateSchema: true });
const compiled = new Map<string, ValidateFunction>();
function jsonSchemaValidator(schema: Doc): (obj: unknown) => boolean {
  const key = JSON.stringify(schema);
  let v = compiled.get(key);
  if (!v) {
    v = ajv.compile(schema);
    if (compiled.size > 1000) compiled.clear();
    compiled.set(key, v);
  }
  const validate = v;
  return (obj) => validate(obj) === true;
}

/** mingo options: `_id` ids, no server-side JavaScript ($where/$function/$accumulator are refused). */
export function mingoOptions(extraOptions: Partial<Options> = {}): Partial<Options> {
  return { idKey: '_id', scriptEnabled: false, jsonSchemaValidator, ...extraOptions, context: ctx() } as Partial<Options>;
}

export class Query extends QueryBase {
  constructor(condition: Doc, options: Partial<Options> = {}) {
    super(condition, mingoOptions(options));
  }
}

export class Aggregator extends AggregatorBase {
  constructor(pipeline: Doc[], options: Partial<Options> = {}) {
    super(pipeline, mingoOptions(options));
  }
}

export function find(docs: Doc[], condition: Doc, projection?: Doc): import('mingo/types/cursor').Cursor<Doc> {
  return new Query(condition).find(docs, projection);
}

export function update(obj: Doc, modifier: Doc, condition?: Doc): string[] {
  return updater.update(obj, modifier as never, undefined, condition as never, { cloneMode: 'deep', queryOptions: mingoOptions() });
}

export function updateMany(docs: Doc[], modifier: Doc): void {
  updater.updateMany(docs, {}, modifier as never, { cloneMode: 'deep' }, mingoOptions());
}
