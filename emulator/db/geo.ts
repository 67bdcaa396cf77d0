// Emulator layer (db): 2dsphere queries as CloudBase (MongoDB) answers them: turf for the geometry, nodes2ts (S2) for distances.
// @cloudbase/database 1.4.3 (serializer/query.ts) sends
//   _.geoNear({geometry, maxDistance, minDistance})  → {field: {$nearSphere: {$geometry, $maxDistance, $minDistance}}}
//   _.geoWithin({geometry}) / ({centerSphere})        → {field: {$geoWithin: {$geometry} | {$centerSphere: [[lng, lat], r]}}}
//   _.geoIntersects({geometry})                        → {field: {$geoIntersects: {$geometry}}}
// and aggregate().geoNear({near, distanceField, spherical, maxDistance, minDistance, query, key, includeLocs,
// distanceMultiplier}) as a `$geoNear` stage. Distances are meters on MongoDB's sphere (radius 6378.1 km, S2 angles); a
// `$nearSphere` query also orders its results nearest first. Polygon edges are planar (turf), where MongoDB's are
// geodesic: results can differ for points very close to long edges.
import { booleanIntersects } from '@turf/boolean-intersects';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { booleanWithin } from '@turf/boolean-within';
import { S2LatLng } from 'nodes2ts';
import type { Doc } from '../contracts';
import { isPlainObject } from './ejson';
import { addPipelineOperators, addQueryOperators, Query, type PipelineOp } from './mingo';

/** MongoDB's kRadiusOfEarthInMeters. */
export const EARTH_RADIUS_M = 6_378_100;

type Position = [number, number];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Geometry = { type: string; coordinates: any };

const GEOMETRY_TYPES = new Set(['Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon']);

class GeoError extends Error {}

function isPosition(v: unknown): v is Position {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'number';
}

const inBounds = (p: Position): boolean => Math.abs(p[0]) <= 180 && Math.abs(p[1]) <= 90;

/** A stored or requested geometry: GeoJSON, or a legacy `[lng, lat]` pair (a point). */
export function asGeometry(v: unknown): Geometry | undefined {
  if (isPosition(v)) return { type: 'Point', coordinates: v };
  if (isPlainObject(v) && typeof v.type === 'string' && GEOMETRY_TYPES.has(v.type) && Array.isArray(v.coordinates)) {
    return v as unknown as Geometry;
  }
  return undefined;
}

function requireGeometry(v: unknown, what: string): Geometry {
  const g = asGeometry(v);
  if (!g) throw new GeoError(`${what} must be a GeoJSON geometry or a [longitude, latitude] pair`);
  if (!positions(g).every(inBounds)) throw new GeoError(`${what}: longitude/latitude out of bounds`);
  return g;
}

function requirePoint(v: unknown, what: string): Position {
  const g = requireGeometry(v, what);
  if (g.type !== 'Point' || !isPosition(g.coordinates)) throw new GeoError(`${what} must be a Point`);
  return g.coordinates;
}

/** Every position of a geometry (for centerSphere on lines and polygons). */
function positions(g: Geometry): Position[] {
  const out: Position[] = [];
  const walk = (c: unknown): void => {
    if (isPosition(c)) out.push(c);
    else if (Array.isArray(c)) c.forEach(walk);
  };
  walk(g.coordinates);
  return out;
}

/**
 * Great-circle distance in meters between two positions, as MongoDB computes it: the S2 angle between the two unit
 * vectors (nodes2ts, a port of Google's S2 that MongoDB's 2dsphere uses) times its earth radius — to the last bit
 * (node-sdk's geoNear test expects 6643.521654040738; a haversine answers …041205).
 */
export function meters(a: Position, b: Position): number {
  const p = S2LatLng.fromDegrees(a[1], a[0]).toPoint();
  const q = S2LatLng.fromDegrees(b[1], b[0]).toPoint();
  return p.angle(q) * EARTH_RADIUS_M;
}

/** Stored geometries of a field (a field may hold one geometry or an array of them); [] when none. */
function geometriesOf(v: unknown): Geometry[] {
  const g = asGeometry(v);
  if (g) return [g];
  if (Array.isArray(v)) return v.flatMap((x) => (asGeometry(x) ? [asGeometry(x) as Geometry] : []));
  return [];
}

function fieldValue(obj: unknown, selector: string): unknown {
  let cur: unknown = obj;
  for (const seg of selector.split('.')) {
    if (Array.isArray(cur) && !/^\d+$/.test(seg)) {
      const next = cur.map((x) => (isPlainObject(x) ? x[seg] : undefined)).filter((x) => x !== undefined);
      cur = next.length ? next : undefined;
      continue;
    }
    if (!isPlainObject(cur) && !Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

interface NearSpec {
  center: Position;
  max: number;
  min: number;
}

function nearSpec(value: unknown, op: string): NearSpec {
  if (!isPlainObject(value)) throw new GeoError(`${op} needs {$geometry, $maxDistance?, $minDistance?}`);
  const center = requirePoint(value.$geometry ?? value, `${op}.$geometry`);
  const num = (k: string, dflt: number): number => {
    const v = value[k];
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'number' || v < 0 || Number.isNaN(v)) throw new GeoError(`${op}.${k} must be a non-negative number`);
    return v;
  };
  return { center, max: num('$maxDistance', Infinity), min: num('$minDistance', 0) };
}

/** The smallest distance from `center` to any stored point of the field (non-points: their nearest vertex). */
function nearestMeters(v: unknown, center: Position): number | undefined {
  let best: number | undefined;
  for (const g of geometriesOf(v)) {
    for (const p of positions(g)) {
      const d = meters(center, p);
      if (best === undefined || d < best) best = d;
    }
  }
  return best;
}

const $nearSphere = (selector: string, value: unknown) => {
  const spec = nearSpec(value, '$nearSphere');
  return (obj: unknown): boolean => {
    const d = nearestMeters(fieldValue(obj, selector), spec.center);
    return d !== undefined && d >= spec.min && d <= spec.max;
  };
};

function within(g: Geometry, region: Geometry): boolean {
  if (g.type === 'Point') {
    if (region.type !== 'Polygon' && region.type !== 'MultiPolygon') return false;
    return booleanPointInPolygon(g.coordinates as Position, region as never);
  }
  if (g.type === 'MultiPoint') return positions(g).every((p) => within({ type: 'Point', coordinates: p }, region));
  try {
    return booleanWithin(g as never, region as never);
  } catch {
    return false; // a combination turf does not evaluate (e.g. MultiLineString): not within
  }
}

const $geoWithin = (selector: string, value: unknown) => {
  if (!isPlainObject(value)) throw new GeoError('$geoWithin needs {$geometry} or {$centerSphere}');
  if (value.$centerSphere !== undefined) {
    const cs = value.$centerSphere;
    if (!Array.isArray(cs) || cs.length !== 2 || typeof cs[1] !== 'number' || cs[1] < 0) {
      throw new GeoError('$centerSphere must be [[longitude, latitude], radius in radians]');
    }
    const center = requirePoint(cs[0], '$centerSphere center');
    const radius = cs[1] * EARTH_RADIUS_M;
    return (obj: unknown): boolean => {
      const gs = geometriesOf(fieldValue(obj, selector));
      return gs.some((g) => positions(g).every((p) => meters(center, p) <= radius));
    };
  }
  const region = requireGeometry(value.$geometry ?? value.$polygon, '$geoWithin.$geometry');
  if (region.type !== 'Polygon' && region.type !== 'MultiPolygon') throw new GeoError('$geoWithin.$geometry must be a Polygon or MultiPolygon');
  return (obj: unknown): boolean => geometriesOf(fieldValue(obj, selector)).some((g) => within(g, region));
};

const $geoIntersects = (selector: string, value: unknown) => {
  if (!isPlainObject(value)) throw new GeoError('$geoIntersects needs {$geometry}');
  const shape = requireGeometry(value.$geometry, '$geoIntersects.$geometry');
  return (obj: unknown): boolean => geometriesOf(fieldValue(obj, selector)).some((g) => {
    try {
      return booleanIntersects(g as never, shape as never);
    } catch {
      return false;
    }
  });
};

/**
 * The `$geoNear` stage: documents within [minDistance, maxDistance] meters of `near` that match `query`, nearest
 * first, each with `distanceField` (times distanceMultiplier) and, with includeLocs, the location used.
 */
const $geoNear: PipelineOp = (collection, expr, options) => {
  if (!isPlainObject(expr)) throw new GeoError('$geoNear needs an options object');
  const near = requirePoint(expr.near, '$geoNear.near');
  if (typeof expr.distanceField !== 'string' || expr.distanceField === '') throw new GeoError('$geoNear requires distanceField');
  const distanceField = expr.distanceField;
  const max = typeof expr.maxDistance === 'number' ? expr.maxDistance : Infinity;
  const min = typeof expr.minDistance === 'number' ? expr.minDistance : 0;
  const mult = typeof expr.distanceMultiplier === 'number' ? expr.distanceMultiplier : 1;
  const includeLocs = typeof expr.includeLocs === 'string' ? expr.includeLocs : undefined;
  const query = isPlainObject(expr.query) && Object.keys(expr.query).length ? new Query(expr.query, options) : undefined;
  const docs = collection.collect() as Doc[];
  const key = typeof expr.key === 'string' && expr.key ? expr.key : geoKey(docs);
  const out: { d: number; i: number; doc: Doc }[] = [];
  docs.forEach((doc, i) => {
    if (query && !query.test(doc)) return;
    const v = fieldValue(doc, key);
    const d = nearestMeters(v, near);
    if (d === undefined || d < min || d > max) return;
    const next: Doc = { ...doc };
    setPath(next, distanceField, d * mult);
    if (includeLocs) setPath(next, includeLocs, v);
    out.push({ d, i, doc: next });
  });
  out.sort((a, b) => a.d - b.d || a.i - b.i);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Lazy } = require('mingo/lazy') as typeof import('mingo/types/lazy');
  return Lazy(out.map((o) => o.doc));
};

/** Without `key`: the one top-level field that holds geometries ([GEO-DOC] "若只有一个地理位置索引的字段，则不需填"). */
function geoKey(docs: Doc[]): string {
  const fields = new Set<string>();
  for (const d of docs) for (const [k, v] of Object.entries(d)) if (k !== '_id' && asGeometry(v)) fields.add(k);
  if (fields.size !== 1) {
    throw new GeoError(`$geoNear needs "key": the documents have ${fields.size ? `several geo fields (${[...fields].join(', ')})` : 'no geo field'}`);
  }
  return [...fields][0] as string;
}

function setPath(doc: Doc, path: string, value: unknown): void {
  const segs = path.split('.');
  let cur: Doc = doc;
  for (const s of segs.slice(0, -1)) {
    const next = isPlainObject(cur[s]) ? { ...(cur[s] as Doc) } : {};
    cur[s] = next;
    cur = next;
  }
  cur[segs[segs.length - 1] as string] = value;
}

/** The `{field: {$nearSphere|$near: …}}` of a query's top level, for ordering results nearest first. */
export function nearOf(query: Doc): { field: string; center: Position } | undefined {
  for (const [field, cond] of Object.entries(query)) {
    if (field.startsWith('$') || !isPlainObject(cond)) continue;
    const spec = cond.$nearSphere ?? cond.$near;
    if (spec !== undefined) return { field, center: nearSpec(spec, '$nearSphere').center };
  }
  return undefined;
}

/** Sorts documents nearest first (stable) by the query's `$nearSphere` field, as MongoDB orders such a query. */
export function sortByNear(docs: Doc[], near: { field: string; center: Position }): Doc[] {
  return docs
    .map((doc, i) => ({ doc, i, d: nearestMeters(fieldValue(doc, near.field), near.center) ?? Infinity }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .map((x) => x.doc);
}

export function isGeoError(e: unknown): e is Error {
  return e instanceof GeoError;
}

addQueryOperators({ $nearSphere, $near: $nearSphere, $geoWithin, $geoIntersects });
addPipelineOperators({ $geoNear });
