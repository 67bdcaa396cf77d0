// Core (grants): consent history — what a user agreed to, refused, revoked or unsubscribed, and when (the
// append-only `consent_log`, adapters/stores/consent-log.ts). The user reads and exports their own from 我的订阅;
// an admin reads and exports any user's. Entries older than the retention setting are purged (adapter, on write).
import { DomainError } from '../envelope';
import type { ConsentEntry, GrantsDeps } from './ports';
import { registryMap } from './views';

/** Position in a user's history: entries strictly older than (at, _id) in the order (at desc, _id desc). */
export interface HistoryCursor {
  at: number;
  id: string;
}

export interface ConsentQueries {
  /** The user's entries after `cursor` (null: from the newest), ordered (at desc, _id desc), at most `limit`. */
  history(openid: string, cursor: HistoryCursor | null, limit: number): Promise<ConsentEntry[]>;
}

/** `next` cursors travel as `<at>:<_id>` (the client hands them back unchanged). */
export function encodeCursor(c: HistoryCursor): string {
  return `${c.at}:${c.id}`;
}
export function decodeCursor(s: string): HistoryCursor | null {
  const i = s.indexOf(':');
  const at = Number(s.slice(0, i));
  return i > 0 && Number.isSafeInteger(at) && at >= 0 ? { at, id: s.slice(i + 1) } : null;
}

export type HistoryDeps = Pick<GrantsDeps, 'registry'> & { history: ConsentQueries };

/** One line of the history as the mini program and the export show it. */
export interface ConsentHistoryEntry {
  at: number;
  templateId: string;
  /** The template's title, or null when it is no longer in the registry. */
  title: string | null;
  /** accept | reject | ban | filter | error | unknown | revoke | zero | unsubscribe */
  result: string;
  /** The raw status (e.g. `acceptWithAlert`), when one was reported. */
  status: string | null;
  /** client (the mini program's report) | event (WeChat's push) | … */
  source: string;
  page: string | null;
  button: string | null;
}

export const HISTORY_PAGE_MAX = 100;
/** Entries in one export at most (newest first); the answer says when older ones were left out. */
export const EXPORT_MAX = 2000;

function toEntry(e: ConsentEntry, titles: Map<string, string>): ConsentHistoryEntry {
  return {
    at: e.at,
    templateId: e.templateId,
    title: titles.get(e.templateId) ?? null,
    result: e.result,
    status: e.status ?? null,
    source: e.source,
    page: e.placement?.page ?? null,
    button: e.placement?.button ?? null,
  };
}

async function titlesOf(deps: HistoryDeps): Promise<Map<string, string>> {
  return new Map([...(await registryMap(deps))].map(([id, t]) => [id, t.title]));
}

/** A page of the history, newest first; `next` is the cursor of the following page (null at the end). */
export async function readHistory(
  deps: HistoryDeps,
  openid: string,
  input: { cursor?: string; limit?: number },
): Promise<{ entries: ConsentHistoryEntry[]; next: string | null }> {
  const limit = Math.min(HISTORY_PAGE_MAX, input.limit ?? 20);
  const cursor = input.cursor ? decodeCursor(input.cursor) : null;
  if (input.cursor && !cursor) throw new DomainError('INVALID_INPUT', 'cursor must be a `next` value of an earlier answer');
  const [rows, titles] = await Promise.all([deps.history.history(openid, cursor, limit + 1), titlesOf(deps)]);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { entries: page.map((e) => toEntry(e, titles)), next: rows.length > limit && last ? encodeCursor({ at: last.at, id: last._id }) : null };
}

const CSV_HEADER = ['time_utc', 'template_id', 'title', 'result', 'status', 'source', 'page', 'button'];

/** RFC 4180 field: quoted when it holds a comma, quote or line break; a leading = + - @ is defused for spreadsheets. */
function csvField(v: string | number | null): string {
  let s = v === null ? '' : String(v);
  if (/^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The whole history (newest first, at most EXPORT_MAX entries) as CSV. Times are ISO 8601 UTC. */
export async function exportHistory(
  deps: HistoryDeps,
  openid: string,
): Promise<{ format: 'csv'; filename: string; count: number; truncated: boolean; content: string }> {
  const titles = await titlesOf(deps);
  const entries: ConsentHistoryEntry[] = [];
  let cursor: HistoryCursor | null = null;
  let truncated = false;
  for (;;) {
    const rows = await deps.history.history(openid, cursor, HISTORY_PAGE_MAX);
    for (const r of rows) entries.push(toEntry(r, titles));
    const last = rows[rows.length - 1];
    if (rows.length < HISTORY_PAGE_MAX || !last) break;
    cursor = { at: last.at, id: last._id };
    if (entries.length >= EXPORT_MAX) {
      truncated = (await deps.history.history(openid, cursor, 1)).length > 0;
      break;
    }
  }
  const lines = [CSV_HEADER.join(',')];
  for (const e of entries.slice(0, EXPORT_MAX)) {
    lines.push([new Date(e.at).toISOString(), e.templateId, e.title, e.result, e.status, e.source, e.page, e.button].map(csvField).join(','));
  }
  return { format: 'csv', filename: 'consent-history.csv', count: Math.min(entries.length, EXPORT_MAX), truncated, content: `${lines.join('\r\n')}\r\n` };
}
