// Core (pure): the users CSV an admin imports (`npm run tixing -- users import file.csv`, or `users.import`).
//
//   openid,nickname,tags,tz,city,level:number,vip:boolean
//   o-abc,阿明,vip|reader,Asia/Shanghai,上海,3,true
//
// `openid` is required; `nickname`, `tags` (separated by `|`) and `tz` are profile fields; every other column is an
// attribute (a string, or `name:number` / `name:boolean`). An empty cell leaves that field as it is. RFC 4180 quoting
// ("a, b", "say ""hi""") is understood. Each row is checked on its own: good rows are imported, bad rows are reported
// by line number and reason — one bad row never loses the others.
import { z } from 'zod';
import { attributeName, nicknameField, openidField, tagField, tzField, MAX_ATTRIBUTES, MAX_TAGS, type ProfilePatch } from './profile';

export interface CsvRow {
  line: number;
  openid: string;
  patch: ProfilePatch;
}

export interface BadRow {
  line: number;
  reason: string;
}

export interface ParsedCsv {
  rows: CsvRow[];
  bad: BadRow[];
}

export class CsvHeaderError extends Error {}

type Column = { kind: 'openid' | 'nickname' | 'tags' | 'tz' } | { kind: 'attr'; name: string; type: 'string' | 'number' | 'boolean' };

/** Splits CSV text into records with the line each starts on (quoted fields may span lines). */
export function csvRecords(text: string): { line: number; cells: string[] }[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const out: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let any = false;
  const endRecord = () => {
    cells.push(cell);
    if (any || cells.length > 1 || cell !== '') out.push({ line: start, cells });
    cells = [];
    cell = '';
    any = false;
  };
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && cell === '') {
      quoted = true;
      any = true;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
      any = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else cell += ch;
  }
  if (cell !== '' || cells.length > 0 || any) endRecord();
  return out;
}

function header(cells: string[]): Column[] {
  const seen = new Set<string>();
  const cols = cells.map((raw): Column => {
    const h = raw.trim();
    const key = h.split(':')[0] ?? '';
    if (seen.has(key)) throw new CsvHeaderError(`column ${JSON.stringify(key).slice(0, 40)} appears twice`);
    seen.add(key);
    if (h === 'openid' || h === 'nickname' || h === 'tags' || h === 'tz') return { kind: h };
    const m = /^([^:]+)(?::(string|number|boolean))?$/.exec(h);
    if (!m || !attributeName().safeParse(m[1]).success) {
      throw new CsvHeaderError(`column ${JSON.stringify(h).slice(0, 40)} is not openid, nickname, tags, tz or an attribute name (letters, digits, _; optional :number / :boolean)`);
    }
    return { kind: 'attr', name: m[1]!, type: (m[2] as 'string' | 'number' | 'boolean' | undefined) ?? 'string' };
  });
  if (!cols.some((c) => c.kind === 'openid')) throw new CsvHeaderError('the header needs an openid column');
  if (cols.filter((c) => c.kind === 'attr').length > MAX_ATTRIBUTES) throw new CsvHeaderError(`at most ${MAX_ATTRIBUTES} attribute columns`);
  return cols;
}

const firstIssue = (e: z.ZodError): string => e.issues[0]?.message ?? 'invalid';

function row(cols: Column[], cells: string[]): { openid: string; patch: ProfilePatch } | string {
  if (cells.length !== cols.length) return `has ${cells.length} cells, the header has ${cols.length}`;
  let openid = '';
  const patch: ProfilePatch = {};
  for (let i = 0; i < cols.length; i++) {
    const col = cols[i]!;
    const v = (cells[i] ?? '').trim();
    if (col.kind === 'openid') {
      const r = openidField().safeParse(v);
      if (!r.success) return v === '' ? 'openid is empty' : 'openid: must be an openid (letters, digits, _ -)';
      openid = r.data;
      continue;
    }
    if (v === '') continue;
    if (col.kind === 'nickname') {
      const r = nicknameField().safeParse(v);
      if (!r.success) return `nickname: ${firstIssue(r.error)}`;
      patch.nickname = r.data;
    } else if (col.kind === 'tz') {
      const r = tzField().safeParse(v);
      if (!r.success) return `tz: ${firstIssue(r.error)}`;
      patch.tz = r.data;
    } else if (col.kind === 'tags') {
      const tags = v.split('|').map((t) => t.trim()).filter((t) => t !== '');
      if (tags.length > MAX_TAGS) return `tags: at most ${MAX_TAGS}`;
      for (const t of tags) if (!tagField().safeParse(t).success) return `tags: ${JSON.stringify(t.slice(0, 32))} is not a tag (1–32 characters, no spaces or , | ; " $)`;
      patch.tags = [...new Set(tags)];
    } else if (col.kind === 'attr') {
      let value: string | number | boolean;
      if (col.type === 'number') {
        value = Number(v);
        if (!Number.isFinite(value) || !/^-?\d+(\.\d+)?$/.test(v)) return `${col.name}: must be a number`;
      } else if (col.type === 'boolean') {
        if (v !== 'true' && v !== 'false') return `${col.name}: must be true or false`;
        value = v === 'true';
      } else {
        if (v.length > 64) return `${col.name}: at most 64 characters`;
        value = v;
      }
      (patch.attributes ??= {})[col.name] = value;
    }
  }
  return { openid, patch };
}

/** Parses the whole file; throws CsvHeaderError when the header itself is unusable (nothing can be imported then). */
export function parseUsersCsv(text: string): ParsedCsv {
  const records = csvRecords(text);
  const first = records[0];
  if (!first) throw new CsvHeaderError('the file is empty');
  const cols = header(first.cells);
  const out: ParsedCsv = { rows: [], bad: [] };
  const lineOf = new Map<string, number>();
  for (const rec of records.slice(1)) {
    if (rec.cells.every((c) => c.trim() === '')) continue;
    const r = row(cols, rec.cells);
    if (typeof r === 'string') {
      out.bad.push({ line: rec.line, reason: r });
      continue;
    }
    const dup = lineOf.get(r.openid);
    if (dup !== undefined) {
      out.bad.push({ line: rec.line, reason: `openid repeats line ${dup}` });
      continue;
    }
    lineOf.set(r.openid, rec.line);
    out.rows.push({ line: rec.line, openid: r.openid, patch: r.patch });
  }
  return out;
}
