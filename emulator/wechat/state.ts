// Emulator layer (WeChat simulator): what WeChat itself remembers per user (quota, long-term grants, settings, inbox).
import type { InboxItem } from '../contracts';

export interface UserState {
  /** [SUBSETTING] Main switch of subscription messages; default on. */
  mainSwitch: boolean;
  /** [SUBSETTING] Only templates for which "总是保持以上选择，不再询问" was ticked. */
  itemSettings: Map<string, string>;
  /** [COMM-ACCUM] One-time templates: each accept +1, each successful send −1. */
  quota: Map<string, number>;
  /** [SUBMSG-OVERVIEW] Long-term templates: subscribe once, send many (true = accepted, not cancelled). */
  longTerm: Map<string, boolean>;
  inbox: InboxItem[];
}

export class UserStore {
  private users = new Map<string, UserState>();

  get(openid: string): UserState {
    let u = this.users.get(openid);
    if (!u) {
      u = { mainSwitch: true, itemSettings: new Map(), quota: new Map(), longTerm: new Map(), inbox: [] };
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
