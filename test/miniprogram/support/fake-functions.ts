// Test support (mini program): in-memory stand-ins for the cloud functions the pages call, answering the function
// API's envelopes (core/envelope.ts). Only the page side is under test here; the real functions are tested
// through the emulator with the real SDK elsewhere.
import { DECLARED } from '../../support/templates';

type Obj = Record<string, any>;
const ok = (data: unknown) => ({ ok: true, data });
const fail = (code: string, message: string) => ({ ok: false, error: { code, message } });

/** The demo templates (config/templates.json), as the registry lists them. */
export const TEMPLATES = DECLARED.map((t) => ({ templateId: t._id, title: t.title, kind: t.kind }));

/** `subscriptions`: counts each accept once per request id, like the ledger. */
export function fakeSubscriptions() {
  const seen = new Set<string>();
  const remaining: Record<string, number> = {};
  const lastResult: Record<string, string | null> = {};
  const alwaysKeep: Record<string, string | null> = {};
  const state = { mainSwitch: null as boolean | null, counted: 0, synced: [] as Obj[], revoked: [] as string[], deleted: 0 };
  /** Consent history, newest first (core/grants/history.ts entries); pages of `historyPage` entries. */
  const history: Obj[] = [];
  const historyPage = 2;
  const view = () =>
    TEMPLATES.map((t) => ({
      ...t,
      remaining: t.kind === 'long-term' && (remaining[t.templateId] ?? 0) > 0 ? -1 : remaining[t.templateId] ?? 0,
      lastResult: lastResult[t.templateId] ?? null,
      alwaysKeep: alwaysKeep[t.templateId] ?? null,
      updatedAt: null,
    }));
  const handler = (d: Obj) => {
    switch (d['action']) {
      case 'record': {
        if (typeof d['requestId'] !== 'string' || d['requestId'].length < 8 || d['requestId'].length > 64) {
          return fail('INVALID_INPUT', 'requestId');
        }
        // Like core/grants/record.ts: the grants of the asked templates only.
        const asked = (g: { templateId: string }) => ((d['tmplIds'] ?? []) as string[]).includes(g.templateId);
        if (seen.has(d['requestId'])) return ok({ counted: false, grants: view().filter(asked) });
        seen.add(d['requestId']);
        state.counted += 1;
        for (const [id, s] of Object.entries((d['result'] ?? {}) as Record<string, string>)) {
          const st = s.startsWith('accept') ? 'accept' : s;
          lastResult[id] = st;
          if (st === 'accept') remaining[id] = (remaining[id] ?? 0) + 1;
        }
        return ok({ counted: true, grants: view().filter(asked) });
      }
      case 'list':
        return ok({ items: view(), mainSwitch: state.mainSwitch });
      case 'syncSettings': {
        state.synced.push(d);
        state.mainSwitch = d['mainSwitch'] as boolean;
        for (const [id, v] of Object.entries((d['itemSettings'] ?? {}) as Record<string, string>)) {
          alwaysKeep[id] = v.startsWith('accept') ? 'accept' : v;
        }
        return ok({ updated: Object.keys(d['itemSettings'] ?? {}).length });
      }
      case 'revoke':
        state.revoked.push(d['templateId']);
        remaining[d['templateId']] = 0;
        return ok({ templateId: d['templateId'], remaining: 0 });
      case 'deleteMyData': {
        if (d['confirm'] !== true) return fail('INVALID_INPUT', 'confirm');
        state.deleted += 1;
        for (const k of Object.keys(remaining)) delete remaining[k];
        const logged = history.splice(0, history.length).length;
        const deleted = { grants: 1, consent_log: logged, request_log: 0, rate_limits: 0, users: 0, deliveries: 0, sent_events: 0, send_log: 0 };
        return ok({ deleted, total: 1 + logged, collections: Object.keys(deleted), at: Date.UTC(2026, 4, 1, 2, 30) });
      }
      case 'history': {
        const start = typeof d['cursor'] === 'string' ? Number(String(d['cursor']).split(':')[0]) : 0;
        const entries = history.slice(start, start + historyPage);
        const next = start + historyPage < history.length ? `${start + historyPage}:x` : null;
        return ok({ entries, next });
      }
      case 'exportHistory': {
        const rows = history.map((e) => [new Date(e['at'] as number).toISOString(), e['templateId'], e['title'], e['result']].join(','));
        return ok({ format: 'csv', filename: 'consent-history.csv', count: history.length, truncated: false, content: ['time_utc,template_id,title,result', ...rows].join('\r\n') });
      }
      default:
        return fail('UNKNOWN_ACTION', String(d['action']));
    }
  };
  return { handler, state, remaining, seen, history, alwaysKeep };
}

/** `reminders` + `track`: events in the future, a reminder needs a remaining grant. */
export function fakeReminders(now: number, grants: () => number) {
  const events = [
    { id: 'ev-1', title: '周末读书会', place: '图书馆三楼', startAt: now + 3 * 3600_000 },
    { id: 'ev-2', title: '城市夜跑', place: '滨江公园', startAt: now + 26 * 3600_000 },
  ];
  const reminders: Record<string, { id: string; eventId: string; dueAt: number; status: string; reason?: string }> = {};
  const opens = new Set<string>();
  const state = { created: [] as Obj[], cancelled: [] as string[], openCalls: 0 };
  const reminderOf = (eventId: string) => Object.values(reminders).find((r) => r.eventId === eventId && r.status !== 'cancelled');
  const handler = (d: Obj) => {
    switch (d['action']) {
      case 'listEvents':
        return ok({ events: events.map((e) => { const r = reminderOf(e.id); return { ...e, reminder: r ? { id: r.id, dueAt: r.dueAt, status: r.status, ...(r.reason ? { reason: r.reason } : {}) } : null }; }) });
      case 'create': {
        state.created.push(d);
        const ev = events.find((e) => e.id === d['eventId']);
        if (!ev) return fail('NOT_FOUND', 'event');
        if (grants() <= 0) return fail('NO_GRANT', 'no grant');
        const id = `rem-${ev.id}`;
        const dueAt = ev.startAt - (d['minutesBefore'] ?? 10) * 60_000;
        reminders[id] = { id, eventId: ev.id, dueAt, status: 'pending' };
        return ok({ reminderId: id, dueAt });
      }
      case 'cancel': {
        const r = reminders[d['reminderId']];
        if (!r) return fail('NOT_FOUND', 'reminder');
        r.status = 'cancelled';
        state.cancelled.push(r.id);
        return ok({ cancelled: true });
      }
      default:
        return fail('UNKNOWN_ACTION', String(d['action']));
    }
  };
  const track = (d: Obj) => {
    state.openCalls += 1;
    if (d['action'] !== 'open') return fail('UNKNOWN_ACTION', String(d['action']));
    const first = !opens.has(d['deliveryId']);
    opens.add(d['deliveryId']);
    return ok({ counted: first });
  };
  return { handler, track, state, events, reminders };
}

/** `orderStatus` (the example team function): place → created, pay → paid, get. */
export function fakeOrders() {
  const orders: Record<string, Obj> = {};
  const handler = (d: Obj) => {
    switch (d['action']) {
      case 'place': {
        const o = { _id: `A${Object.keys(orders).length + 1}00000`, item: d['item'], amountFen: d['amountFen'], status: 'created' };
        orders[o._id] = o;
        return ok({ order: o });
      }
      case 'pay': {
        const o = orders[d['id']];
        if (!o) return fail('NOT_FOUND', 'order');
        if (o['status'] === 'created') o['status'] = 'paid';
        return ok({ order: o });
      }
      case 'get':
        return orders[d['id']] ? ok({ order: orders[d['id']] }) : fail('NOT_FOUND', 'order');
      default:
        return fail('UNKNOWN_ACTION', String(d['action']));
    }
  };
  return { handler, orders };
}
