// Emulator layer (db): read actions: database.getDocument (where/get, doc.get), database.calculateDocument (count),
// database.aggregateDocuments (aggregate().….end()).
import type { Doc } from '../contracts';
import { decodeEJSON, decodeObject, deepClone, encodeDoc, isPlainObject } from './ejson';
import { exactId, findDocs, idCandidates, matchDocs } from './engine';
import { nearOf } from './geo';
import { invalidOperator, invalidParam, toAdminError } from './errors';
import { collectionName, existing, optInt, optString, queryOf, type DbContext, type Params } from './context';
import { Aggregator } from './mingo';
import { planQuery } from './planner';
import { idKey, type IdKey } from './store';

/** [GET-DOC] [CBDB-SRC] cloud-function reads: default 100 documents, at most 1000. */
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;
/** [COMM-AGG20] aggregate().end() without a $limit stage answers at most 20 documents. */
export const AGGREGATE_DEFAULT_LIMIT = 20;

/** What a read evaluates: candidate documents, already in the requested order when `ordered`. */
interface Source {
  docs: Iterable<Doc>;
  ordered: boolean;
  /** True when the candidates came from a secondary index (they may be fewer than a scan would test). */
  planned: boolean;
  /**
   * What is left to test on the candidates: the query without its `_id` condition when the candidates are exactly
   * the documents of the listed ids (a bulk update by 100 ids then tests no 100-element `$in` per document).
   */
  residual?: Doc;
}

/** Committed documents `query` can match: `_id` lookups, else a secondary-index plan, else every document. */
export function committed(db: DbContext, coll: string, docs: ReadonlyMap<IdKey, Doc>, query: Doc, order?: Doc): Source {
  const ex = exactId(query);
  if (ex) {
    const d = docs.get(idKey(ex.id));
    return { docs: d ? [d] : [], ordered: false, planned: false };
  }
  const ids = idCandidates(query);
  if (ids) {
    const { _id: _ignored, ...residual } = query;
    return { docs: ids.map((id) => docs.get(idKey(id))).filter((d): d is Doc => d !== undefined), ordered: false, planned: false, residual };
  }
  const plan = planQuery(db.secondary, coll, docs, query, order);
  if (plan) return { docs: plan.docs, ordered: plan.ordered, planned: true };
  return { docs: docs.values(), ordered: false, planned: false };
}

/** The documents a request reads: the transaction's view when `transactionId` is given, else committed data. */
function source(db: DbContext, p: Params, coll: string, query: Doc, order?: Doc): Source {
  const txId = optString(p, 'transactionId');
  if (txId) {
    const tx = db.txs.use(txId);
    db.txs.requireCollection(tx, coll);
    const ex = exactId(query);
    if (ex) {
      const d = db.txs.get(tx, coll, idKey(ex.id));
      return { docs: d ? [d] : [], ordered: false, planned: false };
    }
    return { docs: db.txs.docs(tx, coll), ordered: false, planned: false };
  }
  return committed(db, coll, existing(db, coll), query, order);
}

export function getDocument(db: DbContext, p: Params): unknown {
  const coll = collectionName(p);
  const now = db.clock.now();
  const query = queryOf(db, p);
  const limit = Math.min(optInt(p, 'limit', 0) || DEFAULT_LIMIT, MAX_LIMIT);
  const offset = optInt(p, 'offset', 0) ?? 0;
  const order = p.order ? decodeObject(p.order, 'order', now) : undefined;
  const projection = p.projection ? decodeObject(p.projection, 'projection', now) : undefined;
  const src = source(db, p, coll, query, order);
  if (Array.isArray(src.docs) && exactId(query) && !projection && !offset) {
    return { list: src.docs.map(encodeDoc), limit, offset }; // doc(id).get(): at most one document, nothing to evaluate
  }
  const hasOrder = !!order && Object.keys(order).length > 0;
  if (src.planned && (src.ordered || !hasOrder) && !nearOf(query)) {
    // The candidates are in final order: stop at the first offset + limit matches, then skip, limit and project.
    const matched = matchDocs(src.docs, query, offset + limit);
    return { list: findDocs(matched, {}, { offset, limit, projection }).map(encodeDoc), limit, offset };
  }
  const docs = findDocs(src.docs, query, { order, offset, limit, projection });
  return { list: docs.map(encodeDoc), limit, offset };
}

export function calculateDocument(db: DbContext, p: Params): unknown {
  const coll = collectionName(p);
  const query = queryOf(db, p);
  return { total: matchDocs(source(db, p, coll, query).docs, query).length };
}

const REFUSED_STAGES = new Set(['$out', '$merge', '$collStats', '$indexStats', '$currentOp', '$listSessions']);
/**
 * Stages that only read their input (mingo passes the same documents on or builds new ones): a pipeline made of these
 * runs on the stored documents without copying them — a count by status over a million documents copied each one
 * first. A pipeline with any other stage ($project — an exclusion of a nested field deletes it in place —, $addFields,
 * $set, $unwind, $lookup …) runs on copies, so a read never changes the store (test/emulator/db/aggregate.e2e.test.ts checks both).
 */
const READ_ONLY_STAGES = new Set(['$match', '$group', '$count', '$sort', '$limit', '$skip', '$sortByCount']);

export function aggregateDocuments(db: DbContext, p: Params): unknown {
  const coll = collectionName(p);
  const docs = existing(db, coll);
  if (!Array.isArray(p.stages)) throw invalidParam('stages must be an array of {stageKey, stageValue}');
  const now = db.clock.now();
  const pipeline: Doc[] = p.stages.map((s: unknown, i) => {
    if (!isPlainObject(s) || typeof s.stageKey !== 'string' || !s.stageKey.startsWith('$')) {
      throw invalidParam(`stages[${i}] must be {stageKey: "$<stage>", stageValue}`);
    }
    if (REFUSED_STAGES.has(s.stageKey)) throw invalidOperator(`${s.stageKey} is not supported by the local emulator`);
    if (s.stageKey === '$geoNear' && i !== 0) throw invalidParam('$geoNear is only valid as the first stage in a pipeline');
    return { [s.stageKey]: decodeEJSON(s.stageValue, `stages[${i}].stageValue`, now) };
  });
  if (!pipeline.some((s) => '$limit' in s)) pipeline.push({ $limit: AGGREGATE_DEFAULT_LIMIT });
  const resolver = (name: string): Doc[] => [...(db.store.docs(name)?.values() ?? [])].map((d) => deepClone(d));
  try {
    const agg = new Aggregator(pipeline, { collectionResolver: resolver });
    const input = [...aggregateInput(db, coll, docs, pipeline)];
    const readOnly = pipeline.every((s) => READ_ONLY_STAGES.has(Object.keys(s)[0] ?? ''));
    const out = agg.run(readOnly ? input : input.map((d) => deepClone(d))) as Doc[];
    return { list: out.map(encodeDoc) };
  } catch (e) {
    throw toAdminError(e);
  }
}

/** A leading `$match` only filters: its index candidates (in natural order) give the same result as every document. */
function aggregateInput(db: DbContext, coll: string, docs: ReadonlyMap<IdKey, Doc>, pipeline: Doc[]): Iterable<Doc> {
  const m = pipeline[0]?.$match;
  return (isPlainObject(m) && planQuery(db.secondary, coll, docs, m)?.docs) || docs.values();
}
