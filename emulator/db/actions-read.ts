// Emulator layer (db): read actions: database.getDocument (where/get, doc.get), database.calculateDocument (count),
// database.aggregateDocuments (aggregate().….end()).
import { Aggregator } from 'mingo';
import type { Doc } from '../contracts';
import { decodeEJSON, decodeObject, deepClone, encodeEJSON, isPlainObject } from './ejson';
import { MINGO_OPTIONS, exactId, findDocs, idCandidates, matchDocs, refuseGeo } from './engine';
import { invalidOperator, invalidParam, toAdminError } from './errors';
import { collectionName, existing, optInt, optString, queryOf, type DbContext, type Params } from './context';
import { idKey } from './store';

/** [GET-DOC] [CBDB-SRC] cloud-function reads: default 100 documents, at most 1000. */
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;
/** [COMM-AGG20] aggregate().end() without a $limit stage answers at most 20 documents. */
export const AGGREGATE_DEFAULT_LIMIT = 20;

/** The documents a request reads: the transaction's view when `transactionId` is given, else committed data. */
function source(db: DbContext, p: Params, coll: string, query: Doc): Iterable<Doc> {
  const txId = optString(p, 'transactionId');
  const ex = exactId(query);
  if (txId) {
    const tx = db.txs.use(txId);
    db.txs.requireCollection(tx, coll);
    if (ex) {
      const d = db.txs.get(tx, coll, idKey(ex.id));
      return d ? [d] : [];
    }
    return db.txs.docs(tx, coll);
  }
  const docs = existing(db, coll);
  if (ex) {
    const d = docs.get(idKey(ex.id));
    return d ? [d] : [];
  }
  const ids = idCandidates(query);
  if (ids) return ids.map((id) => docs.get(idKey(id))).filter((d): d is Doc => d !== undefined);
  return docs.values();
}

export function getDocument(db: DbContext, p: Params): unknown {
  const coll = collectionName(p);
  const now = db.clock.now();
  const query = queryOf(db, p);
  const limit = Math.min(optInt(p, 'limit', 0) || DEFAULT_LIMIT, MAX_LIMIT);
  const offset = optInt(p, 'offset', 0) ?? 0;
  const order = p.order ? decodeObject(p.order, 'order', now) : undefined;
  const projection = p.projection ? decodeObject(p.projection, 'projection', now) : undefined;
  const src = source(db, p, coll, query);
  if (Array.isArray(src) && exactId(query) && !projection && !offset) {
    return { list: src.map(encodeEJSON), limit, offset }; // doc(id).get(): at most one document, nothing to evaluate
  }
  const docs = findDocs(src, query, { order, offset, limit, projection });
  return { list: docs.map(encodeEJSON), limit, offset };
}

export function calculateDocument(db: DbContext, p: Params): unknown {
  const coll = collectionName(p);
  const query = queryOf(db, p);
  return { total: matchDocs(source(db, p, coll, query), query).length };
}

const REFUSED_STAGES = new Set(['$out', '$merge', '$geoNear', '$collStats', '$indexStats', '$currentOp', '$listSessions']);

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
    return { [s.stageKey]: decodeEJSON(s.stageValue, `stages[${i}].stageValue`, now) };
  });
  refuseGeo(pipeline);
  if (!pipeline.some((s) => '$limit' in s)) pipeline.push({ $limit: AGGREGATE_DEFAULT_LIMIT });
  const resolver = (name: string): Doc[] => [...(db.store.docs(name)?.values() ?? [])].map((d) => deepClone(d));
  try {
    const agg = new Aggregator(pipeline, { ...MINGO_OPTIONS, collectionResolver: resolver });
    const out = agg.run([...docs.values()].map((d) => deepClone(d))) as Doc[];
    return { list: out.map(encodeEJSON) };
  } catch (e) {
    throw toAdminError(e);
  }
}
