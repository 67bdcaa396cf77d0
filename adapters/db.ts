// Adapters: a typed view of cloud.database(). wx-server-sdk's typings return `Promise<T> | void | string`
// (callback overloads); this facade states what the promise form resolves to, so stores stay strictly typed.
import type cloud from 'wx-server-sdk';
import { database as sdkDatabase } from './runtime';

export type Doc = Record<string, unknown>;
type SdkDb = ReturnType<typeof cloud.database>;
export type Command = SdkDb['command'];

export interface WriteResult {
  stats: { updated: number; removed?: number; created?: number };
}

export interface DocRef {
  get(): Promise<{ data: Doc | null }>;
  set(options: { data: Doc }): Promise<WriteResult & { _id?: string }>;
  update(options: { data: Doc }): Promise<WriteResult>;
  remove(): Promise<{ stats: { removed: number } }>;
}

export interface Query {
  where(query: Doc): Query;
  orderBy(field: string, order: 'asc' | 'desc'): Query;
  limit(n: number): Query;
  skip(n: number): Query;
  field(projection: Record<string, boolean>): Query;
  get(): Promise<{ data: Doc[] }>;
  count(): Promise<{ total: number }>;
  update(options: { data: Doc }): Promise<WriteResult>;
  remove(): Promise<{ stats: { removed: number } }>;
}

export interface Aggregate {
  match(q: Doc): Aggregate;
  group(g: Doc): Aggregate;
  project(p: Doc): Aggregate;
  sort(s: Doc): Aggregate;
  limit(n: number): Aggregate;
  skip(n: number): Aggregate;
  count(field: string): Aggregate;
  unwind(path: string | Doc): Aggregate;
  lookup(l: Doc): Aggregate;
  end(): Promise<{ list: Doc[] }>;
}

export interface CollectionRef extends Query {
  doc(id: string): DocRef;
  add(options: { data: Doc }): Promise<{ _id: string }>;
  aggregate(): Aggregate;
}

export interface TxCollectionRef {
  doc(id: string): DocRef;
  add(options: { data: Doc }): Promise<{ _id: string }>;
}

export interface Transaction {
  collection(name: string): TxCollectionRef;
  commit(): Promise<unknown>;
  rollback(reason?: unknown): Promise<unknown>;
}

export interface Database {
  collection(name: string): CollectionRef;
  readonly command: Command;
  serverDate(options?: { offset: number }): unknown;
  createCollection(name: string): Promise<unknown>;
  runTransaction<T>(fn: (tx: Transaction) => Promise<T>, times?: number): Promise<T>;
  startTransaction(): Promise<Transaction>;
}

/** The environment's database, typed (throwOnNotFound: false: a missing doc reads as `data: null`). */
export function db(): Database {
  return sdkDatabase() as unknown as Database;
}
