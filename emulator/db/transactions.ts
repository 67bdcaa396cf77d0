// Emulator layer (db): transactions. [TX-GUIDE] snapshot isolation; a write locks the document; another
// transaction's write to a locked (or since-changed) document fails with DATABASE_TRANSACTION_CONFLICT and aborts
// that transaction; plain writes to a locked document wait until the lock is released. Idle transactions expire.
import type { Doc, Logger } from '../contracts';
import { collectionNotExist, txConflict, txNotFound } from './errors';
import { newId, type IdKey, type Snapshot, type Store } from './store';

export type TxState = 'active' | 'committed' | 'aborted' | 'conflicted' | 'expired';

export interface Tx {
  readonly id: string;
  readonly snapshot: Snapshot;
  /** Pending changes: collection → id → new document, or null for a removal. */
  readonly writes: Map<string, Map<IdKey, Doc | null>>;
  readonly locks: Set<string>;
  state: TxState;
  lastActive: number;
  readonly ended: Promise<void>;
  release: () => void;
}

const lockKey = (coll: string, key: IdKey): string => `${coll}\u0000${typeof key}:${String(key)}`;
const MAX_ENDED = 10_000;

export class TxManager {
  private readonly active = new Map<string, Tx>();
  private readonly endedStates = new Map<string, TxState>();
  private readonly locks = new Map<string, Tx>();

  constructor(
    private readonly store: Store,
    private readonly idleMs: number,
    private readonly log: Logger,
  ) {}

  start(): Tx {
    this.sweep();
    let release = (): void => {};
    const ended = new Promise<void>((r) => (release = r));
    // [TX-GUIDE] snapshot isolation; as in MongoDB, the snapshot is taken at the transaction's first operation, not
    // at startTransaction: a document added in between is visible to its first read.
    const store = this.store;
    let snapshot: Snapshot | undefined;
    const tx: Tx = {
      id: newId(),
      get snapshot() {
        return (snapshot ??= store.snapshot());
      },
      writes: new Map(), locks: new Set(), state: 'active', lastActive: Date.now(), ended, release,
    };
    this.active.set(tx.id, tx);
    return tx;
  }

  /** The active transaction with this id; throws a conflict when it was aborted by a conflict. */
  use(id: string): Tx {
    this.sweep();
    const tx = this.active.get(id);
    if (tx) {
      tx.lastActive = Date.now();
      return tx;
    }
    const state = this.endedStates.get(id);
    if (state === 'conflicted') throw txConflict();
    throw txNotFound();
  }

  /** The state of an ended transaction (for idempotent abort), undefined when unknown or active. */
  endedState(id: string): TxState | undefined {
    return this.endedStates.get(id);
  }

  /** Takes the write lock of (coll, id) for `tx`, or aborts `tx` with a conflict. */
  lockForWrite(tx: Tx, coll: string, key: IdKey): void {
    const lk = lockKey(coll, key);
    const holder = this.locks.get(lk);
    const changed = tx.snapshot.get(coll)?.get(key) !== this.store.docs(coll)?.get(key);
    if ((holder && holder !== tx) || (!holder && changed)) {
      this.end(tx, 'conflicted');
      this.log(`[db] transaction ${tx.id} conflicts: ${holder ? `document ${String(key)} of ${coll} is locked by another transaction` : `document ${String(key)} of ${coll} changed after the transaction's snapshot`}`);
      throw txConflict();
    }
    this.locks.set(lk, tx);
    tx.locks.add(lk);
  }

  /** The transaction holding any of these documents' locks (sweeping expired ones first). */
  blocker(coll: string, keys: Iterable<IdKey>): Tx | undefined {
    this.sweep();
    for (const k of keys) {
      const holder = this.locks.get(lockKey(coll, k));
      if (holder) return holder;
    }
    return undefined;
  }

  /** Resolves when `holder` ends or expires. */
  async waitFor(holder: Tx): Promise<void> {
    const remaining = Math.max(0, holder.lastActive + this.idleMs - Date.now()) + 5;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([holder.ended, new Promise<void>((r) => (timer = setTimeout(r, remaining)))]);
    clearTimeout(timer);
    this.sweep();
  }

  requireCollection(tx: Tx, coll: string): void {
    if (!tx.snapshot.has(coll) && !this.store.has(coll)) throw collectionNotExist(coll);
  }

  /** The document as the transaction sees it: its own writes over its snapshot. */
  get(tx: Tx, coll: string, key: IdKey): Doc | undefined {
    const w = tx.writes.get(coll);
    if (w?.has(key)) return w.get(key) ?? undefined;
    return tx.snapshot.get(coll)?.get(key);
  }

  *docs(tx: Tx, coll: string): Generator<Doc> {
    const w = tx.writes.get(coll);
    const snap = tx.snapshot.get(coll);
    for (const [k, d] of snap ?? []) {
      const mine = w?.has(k) ? w.get(k) : d;
      if (mine) yield mine;
    }
    for (const [k, d] of w ?? []) if (d && !snap?.has(k)) yield d;
  }

  write(tx: Tx, coll: string, key: IdKey, doc: Doc | null): void {
    let w = tx.writes.get(coll);
    if (!w) tx.writes.set(coll, (w = new Map()));
    w.set(key, doc);
  }

  end(tx: Tx, state: Exclude<TxState, 'active'>): void {
    if (tx.state !== 'active') return;
    tx.state = state;
    for (const lk of tx.locks) if (this.locks.get(lk) === tx) this.locks.delete(lk);
    this.active.delete(tx.id);
    this.endedStates.set(tx.id, state);
    if (this.endedStates.size > MAX_ENDED) {
      const oldest = this.endedStates.keys().next().value;
      if (oldest !== undefined) this.endedStates.delete(oldest);
    }
    tx.release();
  }

  sweep(): void {
    const now = Date.now();
    for (const tx of this.active.values()) {
      if (now - tx.lastActive > this.idleMs) {
        this.log(`[db] transaction ${tx.id} expired after ${this.idleMs} ms idle; rolled back`);
        this.end(tx, 'expired');
      }
    }
  }

  abortAll(): void {
    for (const tx of [...this.active.values()]) this.end(tx, 'aborted');
  }
}
