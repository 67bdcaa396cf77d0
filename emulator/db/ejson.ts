// Emulator layer (db): the EJSON codec of the wire. Requests carry canonical EJSON strings (@cloudbase/database
// src/utils/utils.ts stringifyByEJSON); answers carry canonical EJSON strings per document, as CloudBase does.
import { BSONRegExp, EJSON, ObjectId } from 'bson';
import type { Doc } from '../contracts';
import { invalidParam } from './errors';

const SERVER_DATE = '$tcb_server_date';
/** JS RegExp accepts these of MongoDB's options; `x` (extended) has no JS equivalent and is dropped. */
const JS_REGEX_FLAGS = new Set(['i', 'm', 's', 'u']);

/** Parses one EJSON string (relaxed) and revives RegExp and `db.serverDate()` (`{"$tcb_server_date":{offset}}`). */
export function decodeEJSON(text: unknown, field: string, now: number): unknown {
  if (typeof text !== 'string') throw invalidParam(`'${field}' must be an EJSON string`);
  let parsed: unknown;
  try {
    parsed = EJSON.parse(text, { relaxed: true });
  } catch (e) {
    // bson's own errors say what is wrong with the EJSON; the engine's (JSON syntax, nesting depth) are not shown.
    const detail = e instanceof Error && e.name.startsWith('BSON') ? `: ${e.message}` : '';
    throw invalidParam(`'${field}' is not valid EJSON${detail}`);
  }
  return revive(parsed, now);
}

/** Like decodeEJSON, but the value must be a plain object. */
export function decodeObject(text: unknown, field: string, now: number): Doc {
  const value = decodeEJSON(text, field, now);
  if (!isPlainObject(value)) throw invalidParam(`'${field}' must encode an object`);
  return value;
}

function revive(value: unknown, now: number): unknown {
  if (Array.isArray(value)) return value.map((v) => revive(v, now));
  if (value instanceof BSONRegExp) {
    const flags = [...value.options].filter((f) => JS_REGEX_FLAGS.has(f)).join('');
    return new RegExp(value.pattern, flags);
  }
  if (value instanceof Date && Number.isNaN(value.getTime())) throw invalidParam('invalid date in EJSON');
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === SERVER_DATE) {
    const spec = value[SERVER_DATE];
    const offset = isPlainObject(spec) && typeof spec.offset === 'number' ? spec.offset : 0;
    return new Date(now + offset);
  }
  const out: Doc = {};
  for (const k of keys) {
    if (k === '__proto__') throw invalidParam('the field name __proto__ is not allowed');
    out[k] = revive(value[k], now);
  }
  return out;
}

/** Canonical EJSON, e.g. numbers as `{"$numberInt":"1"}` and dates as `{"$date":{"$numberLong":…}}`. */
export function encodeEJSON(value: unknown): string {
  return EJSON.stringify(value as Doc, { relaxed: false });
}

/**
 * Whether two values encode to the same canonical EJSON — `encodeEJSON(a) === encodeEJSON(b)` — without encoding
 * them (updates compare every document before and after). Plain objects compare key by key in order (keys holding
 * a function are left out, as EJSON leaves them out), arrays element by element (a function encodes as null there),
 * `undefined` as null (as bson encodes it), numbers with Object.is (0 and -0 encode differently); BSON values and other objects fall back to encoding.
 */
export function ejsonEqual(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!ejsonEqual(inArray(a[i]), inArray(b[i]))) return false;
    return true;
  }
  if (a instanceof Date && b instanceof Date) return Object.is(a.getTime(), b.getTime());
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => encoded(a[k]));
    const kb = Object.keys(b).filter((k) => encoded(b[k]));
    if (ka.length !== kb.length) return false;
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i] || !ejsonEqual(a[ka[i] as string], b[kb[i] as string])) return false;
    return true;
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) return encodeEJSON({ v: a }) === encodeEJSON({ v: b });
  return false;
}

const encoded = (v: unknown): boolean => typeof v !== 'function';
const inArray = (v: unknown): unknown => (encoded(v) ? v : null);

/**
 * A stored document as CloudBase answers it: canonical EJSON, except that an ObjectId in any field other than the
 * top-level `_id` comes back as its 24-character hex string. LOW CONFIDENCE: inferred from node-sdk's
 * test/database/unit/oid.test.ts (`where({a: ObjectId(x)}).get()` → `data[0].a === x`), not checked against a live
 * environment; queries still match the stored ObjectId.
 */
export function encodeDoc(doc: unknown): string {
  if (!isPlainObject(doc)) return encodeEJSON(doc);
  const out: Doc = {};
  for (const [k, v] of Object.entries(doc)) out[k] = k === '_id' ? v : oidsToHex(v);
  return encodeEJSON(out);
}

function oidsToHex(v: unknown): unknown {
  if (v instanceof ObjectId) return v.toHexString();
  if (Array.isArray(v)) return v.map(oidsToHex);
  if (!isPlainObject(v)) return v;
  const out: Doc = {};
  for (const [k, x] of Object.entries(v)) out[k] = oidsToHex(x);
  return out;
}

export function isPlainObject(value: unknown): value is Doc {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Deep copy of plain objects, arrays and Dates; other values (BSON types, RegExp) are immutable here and shared. */
export function deepClone<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => deepClone(v) as unknown) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (!isPlainObject(value)) return value;
  const out: Doc = {};
  for (const k of Object.keys(value)) out[k] = deepClone(value[k]);
  return out as T;
}
