// Emulator layer (db): update semantics with mingo 7's `update` (operators), replacement (`set`) and upsert seeds.
import { update, updateMany } from './mingo';
import type { Doc } from '../contracts';
import { deepClone, ejsonEqual, isPlainObject } from './ejson';
import { invalidOperator, invalidParam, toAdminError } from './errors';

/** [CBDB-SRC] operators @cloudbase/database emits (shift → $pop -1, unshift → $push {$position:0}, remove → $unset). */
const UPDATE_OPERATORS = new Set([
  '$set', '$unset', '$inc', '$mul', '$push', '$pull', '$pullAll', '$pop', '$addToSet', '$rename', '$bit', '$max', '$min',
]);

/** Validates `modifyDocument` data with merge:true. A plain object without operators is treated as `$set`. */
export function normalizeModifier(data: Doc): Doc {
  const keys = Object.keys(data);
  if (!keys.length) throw invalidParam('update data must not be empty');
  const ops = keys.filter((k) => k.startsWith('$'));
  if (!ops.length) return { $set: data };
  if (ops.length !== keys.length) throw invalidParam('update data must not mix operators and plain fields');
  for (const op of ops) {
    if (!UPDATE_OPERATORS.has(op)) throw invalidOperator(`unknown update operator ${op}`);
    if (!isPlainObject(data[op])) throw invalidParam(`${op} must be an object`);
  }
  const addToSet = data.$addToSet;
  if (isPlainObject(addToSet)) {
    // [CMD-DOC] db.command.addToSet documents `{ each: [...] }`; the SDK forwards it untouched (command.ts addToSet).
    for (const [field, v] of Object.entries(addToSet)) {
      if (isPlainObject(v) && Object.keys(v).length === 1 && Array.isArray(v.each)) addToSet[field] = { $each: v.each };
    }
  }
  return data;
}

export interface Applied {
  doc: Doc;
  changed: boolean;
}

/** Applies operators to a copy of `doc`; `condition` (the request's query) resolves positional `$` paths. */
export function applyModifier(doc: Doc, modifier: Doc, condition?: Doc): Applied {
  const next = deepClone(doc);
  let fields: string[];
  try {
    fields = update(next, modifier, condition);
  } catch (e) {
    throw toAdminError(e);
  }
  if (!ejsonEqual(next._id, doc._id)) {
    throw invalidParam("Performing an update on the path '_id' would modify the immutable field '_id'");
  }
  return fields.length ? { doc: compact(next), changed: true } : { doc, changed: false };
}

/**
 * The document rebuilt field by field. mingo's `$unset` and `$rename` `delete` a field, which turns V8's object into a
 * hash table ("dictionary mode") about four times the size; a stored document lives until its next write, and a
 * million deliveries each cleared of their claim are a million such tables. A rebuilt object is compact again.
 */
function compact(doc: Doc): Doc {
  const out: Doc = {};
  for (const k of Object.keys(doc)) out[k] = doc[k];
  return out;
}

/** `set` (merge:false): the data replaces the document, keeping its `_id`. */
export function replaceDoc(doc: Doc | undefined, data: Doc, id: unknown): Applied {
  checkReplacement(data);
  const next: Doc = { _id: id };
  for (const [k, v] of Object.entries(data)) if (k !== '_id') next[k] = v;
  const changed = !doc || !ejsonEqual(doc, next);
  return { doc: changed ? next : (doc as Doc), changed };
}

export function checkReplacement(data: Doc): void {
  if (Object.keys(data).some((k) => k.startsWith('$'))) {
    throw invalidParam('set data must not contain update operators');
  }
  if ('_id' in data) throw invalidParam('set data must not contain _id');
}

/** The document an upsert creates: equality fields of the query (MongoDB rule), then the update applied. */
export function upsertDoc(query: Doc, data: Doc, merge: boolean, id: unknown): Doc {
  if (!merge) return replaceDoc(undefined, data, id).doc;
  const seed: Doc = {};
  const eq: Doc = {};
  collectEqualities(query, eq);
  delete eq._id;
  const base = Object.keys(eq).length ? applyModifier(seed, { $set: eq }).doc : seed;
  return applyModifier({ _id: id, ...base }, data).doc;
}

function collectEqualities(query: Doc, out: Doc): void {
  for (const [k, v] of Object.entries(query)) {
    if (k === '$and' && Array.isArray(v)) {
      for (const q of v) if (isPlainObject(q)) collectEqualities(q, out);
    } else if (k.startsWith('$') || v instanceof RegExp) {
      continue;
    } else if (isPlainObject(v) && Object.keys(v).some((x) => x.startsWith('$'))) {
      if ('$eq' in v && !(v.$eq instanceof RegExp)) out[k] = v.$eq;
    } else {
      out[k] = v;
    }
  }
}

/** One mingo update context for a multi-document update (mingo builds its operator tables per call). */
export function applyModifierMany(docs: Doc[], modifier: Doc): Applied[] {
  const next = docs.map((d) => deepClone(d));
  try {
    updateMany(next, modifier);
  } catch (e) {
    throw toAdminError(e);
  }
  return next.map((n, i) => {
    const before = docs[i] as Doc;
    if (!ejsonEqual(n._id, before._id)) {
      throw invalidParam("Performing an update on the path '_id' would modify the immutable field '_id'");
    }
    const changed = !ejsonEqual(n, before);
    return changed ? { doc: compact(n), changed: true } : { doc: before, changed: false };
  });
}
