// Emulator layer (db): the in-memory collections. Stored documents are never mutated (writes store new objects),
// so transactions can hold cheap snapshots: a snapshot freezes each collection's Map, the next write copies it.
import { randomBytes } from 'node:crypto';
import type { Doc } from '../contracts';
import { encodeEJSON, isPlainObject } from './ejson';
import { invalidParam } from './errors';
import { internStrings } from '../intern';

/** The Map key of a document id: strings and numbers as they are, anything else (ObjectId…) by its EJSON text. */
export type IdKey = string | number;
export function idKey(id: unknown): IdKey {
  return typeof id === 'string' || typeof id === 'number' ? id : `~${encodeEJSON({ id })}`;
}

/** A custom `_id` must be a string, a number or a BSON value such as ObjectId (not null, an array or an object). */
export function checkId<T extends Doc>(doc: T): T {
  const id = doc._id;
  const ok = (typeof id === 'string' && id.length > 0) || (typeof id === 'number' && Number.isFinite(id)) ||
    (typeof id === 'object' && id !== null && !Array.isArray(id) && !isPlainObject(id) && !(id instanceof RegExp));
  if (!ok) throw invalidParam('_id must be a non-empty string, a number or an ObjectId');
  return doc;
}

/** A CloudBase-like auto id: 32 lowercase hex characters. */
export function newId(): string {
  return randomBytes(16).toString('hex');
}

/** One durable change. A request's or a commit's changes are journaled and applied together. */
export type Op = { c: string; put: Doc } | { c: string; del: unknown } | { c: string; create: true };

export type Snapshot = ReadonlyMap<string, ReadonlyMap<IdKey, Doc>>;

/** Told of every document change (secondary indexes): `before` is the replaced or removed version. */
export interface StoreObserver {
  put(coll: string, key: IdKey, before: Doc | undefined, after: Doc): void;
  del(coll: string, key: IdKey, before: Doc): void;
  clear(): void;
}

class Collection {
  private docs = new Map<IdKey, Doc>();
  private frozen = false;

  view(): ReadonlyMap<IdKey, Doc> {
    return this.docs;
  }
  freeze(): ReadonlyMap<IdKey, Doc> {
    this.frozen = true;
    return this.docs;
  }
  mutable(): Map<IdKey, Doc> {
    if (this.frozen) {
      this.docs = new Map(this.docs);
      this.frozen = false;
    }
    return this.docs;
  }
}

export class Store {
  private readonly colls = new Map<string, Collection>();

  constructor(private readonly observer?: StoreObserver) {}

  names(): string[] {
    return [...this.colls.keys()].sort();
  }
  has(name: string): boolean {
    return this.colls.has(name);
  }
  /** The current documents of a collection (undefined when it does not exist). Do not keep across writes. */
  docs(name: string): ReadonlyMap<IdKey, Doc> | undefined {
    return this.colls.get(name)?.view();
  }
  get(name: string, id: unknown): Doc | undefined {
    return this.colls.get(name)?.view().get(idKey(id));
  }
  /** A consistent point-in-time view of every collection (O(number of collections)). */
  snapshot(): Snapshot {
    const out = new Map<string, ReadonlyMap<IdKey, Doc>>();
    for (const [name, c] of this.colls) out.set(name, c.freeze());
    return out;
  }
  apply(ops: readonly Op[]): void {
    for (const op of ops) {
      if ('create' in op) {
        if (!this.colls.has(op.c)) this.colls.set(op.c, new Collection());
        continue;
      }
      let coll = this.colls.get(op.c);
      if (!coll) {
        coll = new Collection();
        this.colls.set(op.c, coll);
      }
      const docs = coll.mutable();
      const k = idKey('put' in op ? op.put._id : op.del);
      const before = docs.get(k);
      if ('put' in op) {
        internStrings(op.put); // repeated values (a campaign's id, its data) share one string (emulator/intern.ts)
        docs.set(k, op.put);
        this.observer?.put(op.c, k, before, op.put);
      } else if (before) {
        docs.delete(k);
        this.observer?.del(op.c, k, before);
      }
    }
  }
  clear(): void {
    this.colls.clear();
    this.observer?.clear();
  }
}
