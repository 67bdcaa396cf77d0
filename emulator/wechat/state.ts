// Emulator layer (WeChat simulator): what WeChat itself remembers per user (quota, long-term grants, settings, inbox).
import type { InboxItem } from '../contracts';

/**
 * A per-user table of template ids: its first entry is kept inline, a `Map` is made for a second. A million simulated
 * users each with three `Map`s held about 1.2 KB and nine heap objects apiece, and most users have one template.
 */
export class SparseMap<V> {
  private k: string | undefined;
  private v: V | undefined;
  private m: Map<string, V> | undefined;
  get(k: string): V | undefined {
    return this.m ? this.m.get(k) : k === this.k ? this.v : undefined;
  }
  set(k: string, v: V): void {
    if (this.m) this.m.set(k, v);
    else if (this.k === undefined || this.k === k) {
      this.k = k;
      this.v = v;
    } else this.m = new Map([[this.k, this.v as V], [k, v]]);
  }
  [Symbol.iterator](): IterableIterator<[string, V]> {
    return (this.m ?? new Map(this.k === undefined ? [] : [[this.k, this.v as V]])).entries();
  }
}

export interface UserState {
  /** [SUBSETTING] Main switch of subscription messages; default on. */
  mainSwitch: boolean;
  /** [SUBSETTING] Only templates for which "总是保持以上选择，不再询问" was ticked. */
  itemSettings: SparseMap<string>;
  /** [COMM-ACCUM] One-time templates: each accept +1, each successful send −1. */
  quota: SparseMap<number>;
  /** [SUBMSG-OVERVIEW] Long-term templates: subscribe once, send many (true = accepted, not cancelled). */
  longTerm: SparseMap<boolean>;
  inbox: InboxItem[];
}

export class UserStore {
  private users = new Map<string, UserState>();

  get(openid: string): UserState {
    let u = this.users.get(openid);
    if (!u) {
      u = { mainSwitch: true, itemSettings: new SparseMap(), quota: new SparseMap(), longTerm: new SparseMap(), inbox: [] };
      this.users.set(openid, u);
    }
    return u;
  }

  /** Read without creating. */
  peek(openid: string): UserState | undefined {
    return this.users.get(openid);
  }

  entries(): [string, UserState][] {
    return [...this.users.entries()];
  }

  clear(): void {
    this.users.clear();
  }
}

/** Per-openid "a send is being processed" marks: a second concurrent send to that user answers 43108. [SEND-NEW-MIRROR] */
export class InFlight {
  private busy = new Set<string>();
  tryAcquire(openid: string): boolean {
    if (this.busy.has(openid)) return false;
    this.busy.add(openid);
    return true;
  }
  release(openid: string): void {
    this.busy.delete(openid);
  }
  clear(): void {
    this.busy.clear();
  }
}
