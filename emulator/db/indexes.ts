// Emulator layer (db): unique indexes from config/indexes.json. [IDX-DOC] a missing field counts as null, so at most
// one document may lack an indexed field. Array values are compared whole (no per-element multikey entries).
import type { Doc, IndexConfig, IndexSpec } from '../contracts';
import { ejsonEqual, encodeEJSON, isPlainObject } from './ejson';
import { duplicateKey } from './errors';
import { idKey, type IdKey } from './store';

export class UniqueIndexes {
  private readonly byColl = new Map<string, IndexSpec[]>();

  constructor(config: IndexConfig = {}) {
    for (const [coll, specs] of Object.entries(config)) {
      const unique = specs.filter((s) => s.unique && s.keys.length && s.keys.every((k) => k.direction !== '2dsphere'));
      if (unique.length) this.byColl.set(coll, unique);
    }
  }

  specs(coll: string): readonly IndexSpec[] {
    return this.byColl.get(coll) ?? [];
  }

  /**
   * True when some changed document is new or has different values in a unique index's fields than before: only
   * then can the write create a duplicate (an update of other fields keeps a consistent collection consistent).
   */
  touchesKeys(coll: string, base: ReadonlyMap<IdKey, Doc>, changes: ReadonlyMap<IdKey, Doc | null>): boolean {
    const specs = this.byColl.get(coll);
    if (!specs) return false;
    for (const [k, d] of changes) {
      if (!d) continue;
      const before = base.get(k);
      if (!before) return true;
      for (const spec of specs) {
        for (const key of spec.keys) {
          if (!ejsonEqual(valueAt(before, key.name) ?? null, valueAt(d, key.name) ?? null)) return true;
        }
      }
    }
    return false;
  }

  /** Throws E11000 when a changed document shares a unique key with another document of the resulting state. */
  check(coll: string, finalDocs: Iterable<Doc>, changed: ReadonlySet<IdKey>): void {
    const specs = this.byColl.get(coll);
    if (!specs || !changed.size) return;
    const seen = specs.map(() => new Map<string, IdKey>());
    for (const doc of finalDocs) {
      const id = idKey(doc._id);
      specs.forEach((spec, i) => {
        const values = spec.keys.map((k) => valueAt(doc, k.name) ?? null);
        const key = encodeEJSON({ v: values });
        const map = seen[i] as Map<string, IdKey>;
        const other = map.get(key);
        if (other !== undefined && (changed.has(id) || changed.has(other))) {
          throw duplicateKey(coll, spec.name, render(spec, values));
        }
        map.set(key, id);
      });
    }
  }
}

function valueAt(doc: Doc, path: string): unknown {
  let cur: unknown = doc;
  for (const seg of path.split('.')) {
    if (Array.isArray(cur) && /^\d+$/.test(seg)) cur = cur[Number(seg)];
    else if (isPlainObject(cur)) cur = cur[seg];
    else return undefined;
  }
  return cur;
}

function render(spec: IndexSpec, values: unknown[]): string {
  const parts = spec.keys.map((k, i) => `${k.name}: ${JSON.stringify(values[i]) ?? 'null'}`);
  return `{ ${parts.join(', ')} }`;
}
