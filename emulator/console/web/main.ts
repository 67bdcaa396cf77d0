// The emulator console (browser side): preact + htm, charts by uPlot; bundled by esbuild (emulator/console/index.ts).
// Every panel reads the emulator's HTTP API and re-reads it when the server says something changed (server-sent
// events on /console/events). Chrome in English; users' data (Chinese) shown as it is.
import htm from 'htm';
import { h, render } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { OUTCOME_LABELS, OUTCOMES, type CampaignView, type OutcomeName } from '../view';

/** The outcome vocabulary in its order (emulator/console/view.ts, a copy of core/outcomes.ts). */
const OUTCOME_NAMES = Object.keys(OUTCOME_LABELS) as OutcomeName[];

const html = htm.bind(h);

// ---------------------------------------------------------------------------------------------------------------
// Live updates and data loading

let changeCount = 0;
let virtualNow = Date.now();
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());

function connect(): void {
  const es = new EventSource('/console/events');
  es.addEventListener('clock', (e) => {
    virtualNow = (JSON.parse((e as MessageEvent<string>).data) as { now: number }).now;
    notify();
  });
  es.addEventListener('changed', () => {
    changeCount += 1;
    notify();
  });
  es.addEventListener('open', () => document.body.setAttribute('data-live', 'on'));
  es.addEventListener('error', () => document.body.setAttribute('data-live', 'off'));
}

/** Re-renders on every server event; returns the change counter (data hooks reload when it moves). */
function useLive(): { changes: number; now: number } {
  const [, force] = useState(0);
  useEffect(() => {
    const l = () => force((n) => n + 1);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  return { changes: changeCount, now: virtualNow };
}

class ApiError extends Error {}

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: body === undefined ? {} : { 'content-type': 'application/json' } });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  if (!res.ok) {
    const err = (json as { error?: { message?: string } } | null)?.error;
    throw new ApiError(err?.message ?? `${res.status} ${res.statusText}`);
  }
  return json as T;
}

/** GET `path`, again whenever the server reports a change (at most every 300 ms) or `path` changes. */
function useData<T>(path: string | null): { data: T | undefined; error: string | undefined; reload: () => void } {
  const { changes } = useLive();
  // Data is kept with the path it was read from: after the path changes, the old data is not shown as the new.
  const [loaded, setData] = useState<{ path: string; data: T } | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [manual, setManual] = useState(0);
  const last = useRef(0);
  useEffect(() => {
    if (!path) return;
    let cancelled = false;
    const wait = Math.max(0, last.current + 300 - Date.now());
    const t = setTimeout(() => {
      last.current = Date.now();
      api<T>('GET', path).then(
        (d) => {
          if (!cancelled) {
            setData({ path, data: d });
            setError(undefined);
          }
        },
        (e: Error) => !cancelled && setError(e.message),
      );
    }, wait);
    return () => {
      cancelled = true;
      clearTimeout(t);
    };
  }, [path, changes, manual]);
  const data = loaded && loaded.path === path ? loaded.data : undefined;
  return { data, error, reload: useCallback(() => setManual((n) => n + 1), []) };
}

// ---------------------------------------------------------------------------------------------------------------
// Formatting

/** Virtual time in UTC+8 (the zone of WeChat timers and of the users' cards). */
function fmtTime(ms: number | null | undefined, millis = false): string {
  if (ms === null || ms === undefined) return '–';
  const d = new Date(ms + 8 * 3600_000);
  return d.toISOString().slice(0, millis ? 23 : 19).replace('T', ' ');
}

function fmtDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m} min`;
  return `${Math.round(m / 6) / 10} h`;
}

const pretty = (v: unknown) => JSON.stringify(v, null, 2);

function Outcome({ outcome, code }: { outcome: string; code?: string }) {
  const cls = outcome === 'ok' ? 'ok' : outcome === 'ok:false' ? 'warn' : 'bad';
  return html`<span class=${`chip ${cls}`} data-outcome=${outcome}>${outcome}${code ? ` ${code}` : ''}</span>`;
}

function ErrorLine({ error }: { error?: string }) {
  return error ? html`<div class="error" role="alert">${error}</div>` : null;
}

/** Runs an action, showing its error (or a message) next to the control. */
function useAction(): [(f: () => Promise<string | void>) => void, string | undefined, string | undefined, boolean] {
  const [error, setError] = useState<string | undefined>(undefined);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const run = useCallback((f: () => Promise<string | void>) => {
    setBusy(true);
    setError(undefined);
    setMessage(undefined);
    f().then(
      (m) => {
        setBusy(false);
        if (m) setMessage(m);
      },
      (e: Error) => {
        setBusy(false);
        setError(e.message);
      },
    );
  }, []);
  return [run, error, message, busy];
}

// ---------------------------------------------------------------------------------------------------------------
// Overview

interface LogEntry {
  id: string;
  fn: string;
  kind: string;
  caller: string;
  startedAt: number;
  durationMs: number;
  outcome: string;
  error?: string;
  errorCode?: string;
  openid?: string;
  requests: number;
  cold: boolean;
}

interface Overview {
  now: number;
  offsetMs: number;
  functions: { name: string; built: boolean; timeoutMs: number; trigger: { name: string; cron: string } | null; workers: number; last: LogEntry[] }[];
  timers: { fn: string; trigger: string; at: number | null }[];
  /** Delayed tasks (cloudbase.addDelayedFunctionTask) waiting for their time, earliest first. */
  delayed: { fn: string; at: number }[];
  running: { id: string; fn: string }[];
  counters: { invocations: number; outcomes: Record<string, number>; adminRequests: number; db: number; sends: number; delivered: number };
}

function ClockControls() {
  const { now } = useLive();
  const [to, setTo] = useState('');
  const [run, error, message, busy] = useAction();
  const advance = (body: Record<string, unknown>) =>
    run(async () => {
      const r = await api<{ runs: number; byFunction: Record<string, Record<string, number>>; iso: string }>('POST', '/clock/advance', body);
      const parts = Object.entries(r.byFunction).map(([fn, c]) => `${fn} ${Object.entries(c).map(([o, n]) => `${o} ${n}`).join(', ')}`);
      return `now ${fmtTime(Date.parse(r.iso))}: ${r.runs} timer run(s)${parts.length ? ` — ${parts.join('; ')}` : ''}`;
    });
  const steps: [string, number][] = [['+1 min', 60_000], ['+10 min', 600_000], ['+1 h', 3_600_000], ['+1 day', 86_400_000]];
  return html`<section class="card" id="clock">
    <h2>Virtual clock</h2>
    <div class="clock-now" data-testid="clock-now">${fmtTime(now)} <small>UTC+8</small></div>
    <div class="row">
      ${steps.map(([label, ms]) => html`<button disabled=${busy} onClick=${() => advance({ ms })}>${label}</button>`)}
    </div>
    <form class="row" onSubmit=${(e: Event) => {
      e.preventDefault();
      const t = Date.parse(to);
      if (!Number.isFinite(t)) return run(async () => Promise.reject(new Error('enter a date such as 2026-11-21T09:00:00+08:00')));
      advance({ to: new Date(t).toISOString() });
    }}>
      <input name="jump" class="grow" placeholder="jump to, e.g. 2026-11-21T09:00:00+08:00" value=${to} onInput=${(e: Event) => setTo((e.target as HTMLInputElement).value)} />
      <button type="submit" disabled=${busy}>Jump</button>
    </form>
    <p class="hint">Timers due on the way fire in order; the clock never goes backwards.</p>
    <div class="message" data-testid="clock-message">${message ?? ''}</div>
    <${ErrorLine} error=${error} />
  </section>`;
}

/** POST /call/<fn> as the mini program would (e.g. create and schedule a campaign as an admin). */
function CallForm({ functions }: { functions: string[] }) {
  const [fn, setFn] = useState('hello');
  const [openid, setOpenid] = useState('o-admin');
  const [data, setData] = useState('{}');
  const [answer, setAnswer] = useState<{ status: number; text: string } | undefined>(undefined);
  const [run, error, , busy] = useAction();
  const submit = () =>
    run(async () => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(data || '{}');
      } catch {
        throw new Error('data is not valid JSON');
      }
      const res = await fetch(`/call/${encodeURIComponent(fn)}`, { method: 'POST', body: JSON.stringify({ openid, data: parsed }) });
      const text = await res.text();
      let shown = text;
      try {
        shown = pretty(JSON.parse(text));
      } catch {
        /* not JSON: shown as it is */
      }
      setAnswer({ status: res.status, text: shown });
    });
  return html`<section class="card" id="call">
    <h2>Call a function</h2>
    <form onSubmit=${(e: Event) => {
      e.preventDefault();
      submit();
    }}>
      <div class="row">
        <select name="fn" value=${fn} onChange=${(e: Event) => setFn((e.target as HTMLSelectElement).value)}>${functions.map((f) => html`<option value=${f}>${f}</option>`)}</select>
        <input name="openid" placeholder="openid of the caller" value=${openid} onInput=${(e: Event) => setOpenid((e.target as HTMLInputElement).value)} />
        <button type="submit" class="primary" disabled=${busy}>Call</button>
      </div>
      <textarea name="data" rows="4" placeholder='data, e.g. {"action":"list"}' value=${data} onInput=${(e: Event) => setData((e.target as HTMLTextAreaElement).value)}></textarea>
    </form>
    <p class="hint">As <code>wx.cloud.callFunction</code> from the mini program: ${'POST /call/<fn>'} with this openid and data.</p>
    <${ErrorLine} error=${error} />
    ${answer ? html`<p class="hint" data-testid="call-status">HTTP ${answer.status}</p><pre data-testid="call-answer">${answer.text}</pre>` : null}
  </section>`;
}

function OverviewPanel() {
  const { data, error } = useData<Overview>('/console/api/overview');
  const [run, actionError] = useAction();
  if (!data) return html`<${ErrorLine} error=${error} /><p>Loading…</p>`;
  const c = data.counters;
  return html`<div class="grid">
    <${ClockControls} />
    <section class="card" id="counters">
      <h2>Counters</h2>
      <dl class="counters">
        <dt>Invocations</dt><dd data-testid="count-invocations">${c.invocations}</dd>
        ${Object.entries(c.outcomes).map(([o, n]) => html`<dt><${Outcome} outcome=${o} /></dt><dd>${n}</dd>`)}
        <dt>Running now</dt><dd>${data.running.length}</dd>
        <dt>/admin requests</dt><dd>${c.adminRequests}</dd>
        <dt>Database requests</dt><dd>${c.db}</dd>
        <dt>WeChat sends</dt><dd>${c.sends}</dd>
        <dt>Delivered</dt><dd data-testid="count-delivered">${c.delivered}</dd>
      </dl>
    </section>
    <section class="card wide" id="functions">
      <h2>Functions</h2>
      <${ErrorLine} error=${actionError} />
      <table>
        <thead><tr><th>Function</th><th>Timeout</th><th>Timer</th><th>Warm workers</th><th>Last calls</th><th></th></tr></thead>
        <tbody>
          ${data.functions.map(
            (f) => html`<tr data-fn=${f.name}>
              <td><b>${f.name}</b>${f.built ? '' : html` <span class="chip bad">not built</span>`}</td>
              <td>${f.timeoutMs / 1000} s</td>
              <td>${f.trigger ? html`<code>${f.trigger.cron}</code>` : '–'}</td>
              <td data-testid="workers">${f.workers}</td>
              <td class="last">${f.last[0] ? html`<small class="when">${fmtTime(f.last[0].startedAt).slice(5)}</small> ` : ''}${f.last.length === 0 ? '–' : f.last.map((e) => html`<span title=${`${fmtTime(e.startedAt)} ← ${e.caller}, ${e.durationMs} ms`}><${Outcome} outcome=${e.outcome} /></span>`)}</td>
              <td>${f.trigger ? html`<button onClick=${() => run(async () => void (await api('POST', `/trigger/${f.name}`)))}>Fire timer</button>` : ''}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </section>
    <section class="card" id="timers">
      <h2>Timers</h2>
      <table>
        <thead><tr><th>Trigger</th><th>Next fire (UTC+8)</th></tr></thead>
        <tbody>
          ${data.timers.map((t) => html`<tr><td>${t.fn}/${t.trigger}</td><td data-testid="next-fire">${fmtTime(t.at)}</td></tr>`)}
          ${data.delayed.map((t) => html`<tr data-testid="delayed-task"><td>${t.fn} (delayed task)</td><td>${fmtTime(t.at)}</td></tr>`)}
        </tbody>
      </table>
    </section>
    <${CallForm} functions=${data.functions.map((f) => f.name)} />
  </div>`;
}

// ---------------------------------------------------------------------------------------------------------------
// Database

interface CollectionInfo {
  name: string;
  exists: boolean;
  count: number;
  indexes: { name: string; unique: boolean; keys: { name: string; direction: string }[] }[];
}

function DocEditor({ initial, onSave, onCancel }: { initial: string; onSave: (text: string) => void; onCancel: () => void }) {
  const [text, setText] = useState(initial);
  return html`<div class="editor">
    <textarea name="doc" rows="12" value=${text} onInput=${(e: Event) => setText((e.target as HTMLTextAreaElement).value)}></textarea>
    <div class="row"><button class="primary" onClick=${() => onSave(text)}>Save</button><button onClick=${onCancel}>Cancel</button></div>
  </div>`;
}

function DatabasePanel() {
  const { data: list, error } = useData<{ collections: CollectionInfo[] }>('/console/api/db');
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [queryText, setQueryText] = useState('');
  const [query, setQuery] = useState('');
  const [skip, setSkip] = useState(0);
  const [editing, setEditing] = useState<string | null>(null); // doc id, or '' for a new one
  const [run, actionError, message] = useAction();
  const fileInput = useRef<HTMLInputElement>(null);
  const coll = selected ?? list?.collections.find((c) => c.exists)?.name;
  const docsPath = coll ? `/console/api/db/${encodeURIComponent(coll)}?limit=50&skip=${skip}&q=${encodeURIComponent(query)}` : null;
  const { data: docs, error: docsError } = useData<{ total: number; docs: Record<string, unknown>[] }>(docsPath);
  const info = list?.collections.find((c) => c.name === coll);

  const save = (text: string, id: string) =>
    run(async () => {
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch {
        throw new Error('the document is not valid JSON');
      }
      if (id === '') await api('POST', `/console/api/db/${coll}`, doc);
      else await api('PUT', `/console/api/db/${coll}/${encodeURIComponent(id)}`, doc);
      setEditing(null);
      return id === '' ? 'document added' : `document ${id} saved`;
    });

  const exportDb = () =>
    run(async () => {
      const snap = await api<unknown>('GET', '/snapshot');
      const a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([JSON.stringify(snap, null, 1)], { type: 'application/json' }));
      a.download = 'tixing-database.json';
      a.click();
      return 'exported the database to tixing-database.json';
    });

  const importDb = (file: File) =>
    run(async () => {
      const text = await file.text();
      let snap: unknown;
      try {
        snap = JSON.parse(text);
      } catch {
        throw new Error(`${file.name} is not JSON`);
      }
      const r = await api<{ collections: string[] }>('POST', '/snapshot', snap);
      return `imported ${r.collections.length} collection(s) from ${file.name}`;
    });

  return html`<div class="split">
    <section class="card side">
      <h2>Collections</h2>
      <${ErrorLine} error=${error} />
      <ul class="list" data-testid="collections">
        ${(list?.collections ?? []).map(
          (c) => html`<li class=${c.name === coll ? 'active' : ''} data-collection=${c.name}>
            <a href="#database" onClick=${(e: Event) => {
              e.preventDefault();
              setSelected(c.name);
              setSkip(0);
              setEditing(null);
              // A query belongs to its collection.
              setQuery('');
              setQueryText('');
            }}>${c.name}</a> <span class="count">${c.exists ? c.count : 'not created'}</span>
          </li>`,
        )}
      </ul>
      <div class="row">
        <button onClick=${exportDb}>Export</button>
        <button onClick=${() => fileInput.current?.click()}>Import…</button>
        <input type="file" accept="application/json" ref=${fileInput} style="display:none" data-testid="import-file"
          onChange=${(e: Event) => {
            const f = (e.target as HTMLInputElement).files?.[0];
            if (f) importDb(f);
            (e.target as HTMLInputElement).value = '';
          }} />
      </div>
      <p class="hint">Export/import: the whole database (GET/POST /snapshot), replacing every collection on import.</p>
    </section>
    <section class="card main">
      <h2>${coll ?? 'No collection'}</h2>
      ${info && info.indexes.length > 0
        ? html`<table class="indexes"><thead><tr><th>Index</th><th>Keys</th><th>Unique</th></tr></thead><tbody>
            ${info.indexes.map((i) => html`<tr><td>${i.name}</td><td>${i.keys.map((k) => `${k.name} ${k.direction === '-1' ? 'desc' : 'asc'}`).join(', ')}</td><td>${i.unique ? 'yes' : 'no'}</td></tr>`)}
          </tbody></table>`
        : html`<p class="hint">Indexes: only <code>_id</code>.</p>`}
      <form class="row" onSubmit=${(e: Event) => {
        e.preventDefault();
        setSkip(0);
        setQuery(queryText);
      }}>
        <input name="query" class="grow" placeholder='query, e.g. {"status":"sent"}' value=${queryText} onInput=${(e: Event) => setQueryText((e.target as HTMLInputElement).value)} />
        <button type="submit">Query</button>
        <button type="button" onClick=${() => setEditing('')} disabled=${!coll}>Add document</button>
      </form>
      <div class="message">${message ?? ''}</div>
      <${ErrorLine} error=${actionError ?? docsError} />
      ${editing === '' ? html`<${DocEditor} initial=${'{\n  \n}'} onSave=${(t: string) => save(t, '')} onCancel=${() => setEditing(null)} />` : null}
      ${docs
        ? html`<p class="hint" data-testid="doc-total">${docs.total} document(s)${docs.total > 50 ? `, showing ${skip + 1}–${Math.min(skip + 50, docs.total)}` : ''}</p>
            <div class="row">
              ${skip > 0 ? html`<button onClick=${() => setSkip(Math.max(0, skip - 50))}>Previous</button>` : null}
              ${skip + 50 < docs.total ? html`<button onClick=${() => setSkip(skip + 50)}>Next</button>` : null}
            </div>
            <ul class="docs">
              ${docs.docs.map((d) => {
                const id = String(d._id);
                return html`<li class="doc" data-id=${id}>
                  ${editing === id
                    ? html`<${DocEditor} initial=${pretty(d)} onSave=${(t: string) => save(t, id)} onCancel=${() => setEditing(null)} />`
                    : html`<pre>${pretty(d)}</pre>
                        <div class="row">
                          <button onClick=${() => setEditing(id)}>Edit</button>
                          <button class="danger" onClick=${() => {
                            if (confirm(`Delete ${id} from ${coll}?`)) run(async () => void (await api('DELETE', `/console/api/db/${coll}/${encodeURIComponent(id)}`)));
                          }}>Delete</button>
                        </div>`}
                </li>`;
              })}
            </ul>`
        : null}
    </section>
  </div>`;
}

// ---------------------------------------------------------------------------------------------------------------
// WeChat

interface WechatState {
  users: { openid: string; mainSwitch: boolean; quota: Record<string, number>; longTerm: Record<string, boolean>; itemSettings: Record<string, string>; inbox: number }[];
  templates: { priTmplId: string; title: string; content: string; type: number }[];
  faults: { systemErrorRate?: number; timeoutRate?: number; latency?: { fixedMs?: number; minMs?: number; maxMs?: number } };
  stats: { sends: number; delivered: number; byErrCode: Record<string, number> };
}

interface InboxItem {
  msgid: string;
  templateId: string;
  title: string;
  page?: string;
  rendered: string;
  at: number;
}

/** A service-notification card as the user reads it (the rendered text: title, keyword lines, link line). */
function Card({ item }: { item: InboxItem }) {
  const lines = item.rendered.split('\n');
  const [title, ...rest] = lines;
  const link = rest[rest.length - 1] ?? '';
  const rows = rest.slice(0, -1).map((l) => {
    const i = l.indexOf(':');
    return i > 0 ? [l.slice(0, i), l.slice(i + 1)] : ['', l];
  });
  return html`<article class="wxcard" data-msgid=${item.msgid}>
    <header><span class="wxapp">Tixing 提醒</span><time>${fmtTime(item.at)}</time></header>
    <h3>${title}</h3>
    <dl>${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
    <footer>${link} <span class="chev">›</span></footer>
  </article>`;
}

function TapControl({ openid, templates }: { openid: string; templates: WechatState['templates'] }) {
  const [picked, setPicked] = useState<Record<string, 'accept' | 'reject' | undefined>>({});
  const [run, error, message, busy] = useAction();
  const ids = Object.keys(picked).filter((k) => picked[k]);
  return html`<div class="tap" id="tap">
    <h3>Subscribe popup (wx.requestSubscribeMessage)</h3>
    <table>
      <thead><tr><th>Template</th><th>Ask</th><th>User taps</th></tr></thead>
      <tbody>
        ${templates.map(
          (t) => html`<tr data-template=${t.priTmplId}>
            <td>${t.title} <small>${t.priTmplId}${t.type === 3 ? ' (long-term)' : ''}</small></td>
            <td><input type="checkbox" name=${`ask-${t.priTmplId}`} checked=${!!picked[t.priTmplId]} onChange=${(e: Event) => setPicked({ ...picked, [t.priTmplId]: (e.target as HTMLInputElement).checked ? 'accept' : undefined })} /></td>
            <td><select name=${`choice-${t.priTmplId}`} disabled=${!picked[t.priTmplId]} value=${picked[t.priTmplId] ?? 'accept'} onChange=${(e: Event) => setPicked({ ...picked, [t.priTmplId]: (e.target as HTMLSelectElement).value as 'accept' | 'reject' })}>
              <option value="accept">accept</option><option value="reject">reject</option>
            </select></td>
          </tr>`,
        )}
      </tbody>
    </table>
    <button class="primary" disabled=${busy || ids.length === 0} onClick=${() =>
      run(async () => {
        const choices = Object.fromEntries(ids.map((id) => [id, picked[id] as string]));
        const r = await api<{ ok: boolean; result?: Record<string, string>; error?: { errCode: number; errMsg: string } }>('POST', '/wx/requestSubscribeMessage', { openid, tmplIds: ids, choices });
        if (!r.ok) throw new Error(`${r.error?.errCode}: ${r.error?.errMsg}`);
        return `result: ${Object.entries(r.result ?? {}).map(([k, v]) => `${k}=${v}`).join(', ')}`;
      })}>Tap "Allow"</button>
    <div class="message" data-testid="tap-result">${message ?? ''}</div>
    <${ErrorLine} error=${error} />
    <p class="hint">At most 3 templates per popup, never one-time and long-term together (as WeChat). Each accept adds one to WeChat's count for the user. Tell the ledger too: the mini program reports the tap to <code>subscriptions.record</code>.</p>
  </div>`;
}

function FaultsForm({ faults }: { faults: WechatState['faults'] }) {
  const [text, setText] = useState<Record<string, string>>({});
  const [run, error, message, busy] = useAction();
  const field = (key: string, label: string, current: number | undefined) =>
    html`<label>${label}<input name=${key} value=${text[key] ?? (current === undefined ? '' : String(current))} placeholder="–" onInput=${(e: Event) => setText({ ...text, [key]: (e.target as HTMLInputElement).value })} /></label>`;
  const submit = () =>
    run(async () => {
      const value = (k: string, cur: number | undefined) => {
        const t = text[k] ?? (cur === undefined ? '' : String(cur));
        if (t.trim() === '') return undefined;
        const n = Number(t);
        if (!Number.isFinite(n)) throw new Error(`${k}: not a number`);
        return n;
      };
      const spec: Record<string, unknown> = {};
      const s = value('systemErrorRate', faults.systemErrorRate);
      const to = value('timeoutRate', faults.timeoutRate);
      if (s !== undefined) spec.systemErrorRate = s;
      if (to !== undefined) spec.timeoutRate = to;
      const lat: Record<string, number> = {};
      for (const k of ['fixedMs', 'minMs', 'maxMs'] as const) {
        const v = value(k, faults.latency?.[k]);
        if (v !== undefined) lat[k] = v;
      }
      if (Object.keys(lat).length) spec.latency = lat;
      await api('POST', '/wx/faults', spec);
      setText({});
      return 'fault injection set';
    });
  return html`<section class="card" id="faults">
    <h2>Fault injection</h2>
    <div class="form">
      ${field('systemErrorRate', 'System error (-1) rate, 0–1', faults.systemErrorRate)}
      ${field('timeoutRate', 'Send timeout rate, 0–1', faults.timeoutRate)}
      ${field('fixedMs', 'Latency, fixed ms', faults.latency?.fixedMs)}
      ${field('minMs', 'Latency, min ms', faults.latency?.minMs)}
      ${field('maxMs', 'Latency, max ms', faults.latency?.maxMs)}
    </div>
    <div class="row">
      <button class="primary" disabled=${busy} onClick=${submit}>Apply</button>
      <button disabled=${busy} onClick=${() => run(async () => { await api('POST', '/wx/faults', {}); setText({}); return 'faults cleared'; })}>Clear</button>
    </div>
    <p class="hint" data-testid="faults-now">In force: ${JSON.stringify(faults)}</p>
    <div class="message">${message ?? ''}</div>
    <${ErrorLine} error=${error} />
  </section>`;
}

/** The user's main switch (optimistic: shows the new position until the server's state catches up). */
function MainSwitch({ openid, on }: { openid: string; on: boolean }) {
  const [pending, setPending] = useState<boolean | undefined>(undefined);
  const [run, error] = useAction();
  useEffect(() => {
    if (pending === on) setPending(undefined);
  }, [on, pending]);
  useEffect(() => setPending(undefined), [openid]);
  return html`<label class="switch"><input type="checkbox" name="mainSwitch" checked=${pending ?? on}
      onChange=${(e: Event) => {
        const v = (e.target as HTMLInputElement).checked;
        setPending(v);
        run(async () => void (await api('POST', `/wx/setting/${encodeURIComponent(openid)}`, { mainSwitch: v })));
      }} />
    Subscription messages main switch (WeChat settings)</label><${ErrorLine} error=${error} />`;
}

function WechatPanel() {
  const { data, error } = useData<WechatState>('/console/api/wechat');
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [newUser, setNewUser] = useState('');
  const [run, actionError] = useAction();
  const openid = selected ?? data?.users[0]?.openid;
  const { data: inbox } = useData<InboxItem[]>(openid ? `/wx/inbox/${encodeURIComponent(openid)}` : null);
  if (!data) return html`<${ErrorLine} error=${error} /><p>Loading…</p>`;
  const user = data.users.find((u) => u.openid === openid);
  return html`<div class="split">
    <section class="card side">
      <h2>Users</h2>
      <ul class="list" data-testid="users">
        ${data.users.map(
          (u) => html`<li class=${u.openid === openid ? 'active' : ''} data-openid=${u.openid}>
            <a href="#wechat" onClick=${(e: Event) => {
              e.preventDefault();
              setSelected(u.openid);
            }}>${u.openid}</a> <span class="count">${u.inbox} msg</span>
          </li>`,
        )}
        ${openid && !user ? html`<li class="active" data-openid=${openid}>${openid} <span class="count">new</span></li>` : null}
      </ul>
      <form class="row" onSubmit=${(e: Event) => {
        e.preventDefault();
        if (newUser.trim()) setSelected(newUser.trim());
        setNewUser('');
      }}>
        <input name="openid" class="grow" placeholder="another openid, e.g. o-dev" value=${newUser} onInput=${(e: Event) => setNewUser((e.target as HTMLInputElement).value)} />
        <button type="submit">Open</button>
      </form>
      <p class="hint">WeChat sends: ${data.stats.sends}, delivered ${data.stats.delivered}${Object.keys(data.stats.byErrCode).length ? ` (errcodes ${JSON.stringify(data.stats.byErrCode)})` : ''}</p>
    </section>
    <div class="main">
      ${openid
        ? html`<section class="card" id="user">
            <h2>${openid}</h2>
            <${MainSwitch} openid=${openid} on=${user?.mainSwitch ?? true} />
            <${ErrorLine} error=${actionError} />
            <table class="quota" data-testid="quota">
              <thead><tr><th>Template</th><th>WeChat's count</th><th>Always keep</th></tr></thead>
              <tbody>${data.templates.map(
                (t) => html`<tr data-template=${t.priTmplId}><td>${t.title} <small>${t.priTmplId}</small></td>
                  <td class="n">${t.type === 3 ? (user?.longTerm[t.priTmplId] ? 'subscribed' : '–') : (user?.quota[t.priTmplId] ?? 0)}</td>
                  <td>${user?.itemSettings[t.priTmplId] ?? '–'}</td></tr>`,
              )}</tbody>
            </table>
            <${TapControl} openid=${openid} templates=${data.templates} />
          </section>
          <section class="card" id="inbox">
            <h2>Inbox (service notifications)</h2>
            ${inbox && inbox.length > 0 ? html`<div class="cards">${[...inbox].reverse().map((i) => html`<${Card} item=${i} />`)}</div>` : html`<p class="hint">No messages.</p>`}
          </section>`
        : html`<section class="card"><p>No users yet: open one by openid.</p></section>`}
      <${FaultsForm} faults=${data.faults} />
    </div>
  </div>`;
}

// ---------------------------------------------------------------------------------------------------------------
// Invocations

interface Detail {
  event: unknown;
  answer?: unknown;
  output: string[];
  requests: { at: number; action: string; collection?: string; api?: string; changed: number; ms: number; error?: string }[];
}

function InvocationDetailView({ id }: { id: string }) {
  const { data, error } = useData<LogEntry & { detail: Detail | null }>(`/invocations/${id}`);
  if (!data) return html`<${ErrorLine} error=${error} />`;
  const d = data.detail;
  if (!d) return html`<p class="hint">Details are kept for the newest 2,000 invocations only.</p>`;
  return html`<div class="detail" data-testid="detail">
    ${data.error ? html`<p class="error">${data.error}</p>` : null}
    <div class="cols">
      <div><h4>Event</h4><pre data-testid="event">${pretty(d.event)}</pre></div>
      <div><h4>Answer</h4><pre data-testid="answer">${d.answer === undefined ? '(nothing)' : pretty(d.answer)}</pre></div>
    </div>
    <h4>Console output</h4>
    <pre class="output" data-testid="output">${d.output.length ? d.output.join('\n') : '(none)'}</pre>
    <h4>Database and API requests (${d.requests.length})</h4>
    <table class="requests" data-testid="requests">
      <thead><tr><th>Time</th><th>Action</th><th>Collection / API</th><th>Written</th><th>ms</th><th>Error</th></tr></thead>
      <tbody>${d.requests.map((r) => html`<tr><td>${fmtTime(r.at).slice(11)}</td><td>${r.action.replace(/^database\./, '')}</td><td>${r.collection ?? r.api ?? ''}</td><td class="n">${r.changed || ''}</td><td class="n">${r.ms}</td><td>${r.error ?? ''}</td></tr>`)}</tbody>
    </table>
  </div>`;
}

const OUTCOME_FILTERS = ['', 'ok', 'ok:false', 'error', 'FUNCTION_ERROR', 'TIMEOUT', 'KILLED', 'CRASHED', 'BAD_EVENT', 'NOT_FOUND'];

function InvocationsPanel({ functions }: { functions: string[] }) {
  const [filters, setFilters] = useState<Record<string, string>>({ fn: '', outcome: '', openid: '', since: '', until: '', limit: '100' });
  const [applied, setApplied] = useState(filters);
  const [open, setOpen] = useState<string | null>(null);
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(applied)) {
    if (!v) continue;
    if (k === 'since' || k === 'until') {
      const t = Date.parse(v);
      params.set(k, Number.isFinite(t) ? String(t) : v);
    } else params.set(k, v);
  }
  const { data, error } = useData<LogEntry[]>(`/invocations?${params.toString()}`);
  const set = (k: string) => (e: Event) => setFilters({ ...filters, [k]: (e.target as HTMLInputElement).value });
  return html`<section class="card">
    <h2>Invocations</h2>
    <form class="filters" onSubmit=${(e: Event) => {
      e.preventDefault();
      setApplied(filters);
    }}>
      <label>Function<select name="fn" value=${filters.fn} onChange=${set('fn')}><option value="">any</option>${functions.map((f) => html`<option value=${f}>${f}</option>`)}</select></label>
      <label>Outcome<select name="outcome" value=${filters.outcome} onChange=${set('outcome')}>${OUTCOME_FILTERS.map((o) => html`<option value=${o}>${o || 'any'}</option>`)}</select></label>
      <label>openid<input name="openid" value=${filters.openid} onInput=${set('openid')} /></label>
      <label>Since<input name="since" placeholder="2026-05-01T08:00+08:00" value=${filters.since} onInput=${set('since')} /></label>
      <label>Until<input name="until" value=${filters.until} onInput=${set('until')} /></label>
      <label>Limit<input name="limit" size="5" value=${filters.limit} onInput=${set('limit')} /></label>
      <button type="submit" class="primary">Filter</button>
    </form>
    <${ErrorLine} error=${error} />
    <table class="invocations" data-testid="invocations">
      <thead><tr><th>Started (UTC+8)</th><th>Function</th><th>Caller</th><th>Duration</th><th>Requests</th><th>Outcome</th></tr></thead>
      <tbody>
        ${(data ?? []).map(
          (e) => html`<tr class=${`inv ${open === e.id ? 'open' : ''}`} data-id=${e.id} onClick=${() => setOpen(open === e.id ? null : e.id)}>
              <td>${fmtTime(e.startedAt)}</td><td>${e.fn}</td><td>${e.caller}</td><td class="n">${e.durationMs} ms${e.cold ? ' (cold)' : ''}</td><td class="n">${e.requests}</td>
              <td><${Outcome} outcome=${e.outcome} code=${e.errorCode} /> ${e.error ? html`<small>${e.error.split('\n')[0]}</small>` : ''}</td>
            </tr>
            ${open === e.id ? html`<tr class="detail-row"><td colspan="6"><${InvocationDetailView} id=${e.id} /></td></tr>` : null}`,
        )}
      </tbody>
    </table>
    ${data && data.length === 0 ? html`<p class="hint">No invocations match.</p>` : null}
  </section>`;
}

// ---------------------------------------------------------------------------------------------------------------
// Campaigns

const COLORS: Record<(typeof OUTCOMES)[number], string> = { sent: '#07c160', skipped: '#b38600', failed: '#e64340', unknown: '#576b95' };

function SendsChart({ series }: { series: CampaignView['series'] }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const host = el.current;
    if (!host || series.t.length === 0) return;
    const span = (series.t[series.t.length - 1] ?? 0) - (series.t[0] ?? 0);
    const opts: uPlot.Options = {
      width: Math.max(320, host.clientWidth || 600),
      height: 220,
      scales: { x: { time: true } },
      // Virtual time in UTC+8; milliseconds when the whole campaign took less than ten seconds.
      axes: [{ space: 110, values: (_u, ticks) => ticks.map((t) => fmtTime(t * 1000, span < 10_000).slice(11)) }, {}],
      series: [{}, ...OUTCOMES.map((o) => ({ label: OUTCOME_LABELS[o], stroke: COLORS[o], width: 2, points: { show: false } }))],
    };
    const data: uPlot.AlignedData = [series.t.map((t) => t / 1000), ...OUTCOMES.map((o) => series[o])];
    const plot = new uPlot(opts, data, host);
    return () => plot.destroy();
  }, [JSON.stringify(series)]);
  return html`<div class="chart" ref=${el} data-testid="chart"></div>`;
}

function CampaignsPanel() {
  const { data, error } = useData<{ now: number; campaigns: CampaignView[]; quotaPause: { until: number; errCode: number | null } | null }>('/console/api/campaigns');
  if (!data) return html`<${ErrorLine} error=${error} /><p>Loading…</p>`;
  // The daily quota (45009 / -501003): all sending waits until midnight Beijing time, then resumes by itself.
  const pause = data.quotaPause
    ? html`<section class="card" data-testid="quota-pause"><h2>Paused for quota until ${fmtTime(data.quotaPause.until)} (UTC+8)</h2><p class="hint">errcode ${data.quotaPause.errCode ?? '?'}: the daily quota is used up; every send waits and resumes by itself at midnight Beijing time.</p></section>`
    : null;
  if (data.campaigns.length === 0)
    return html`<div>${pause}<section class="card"><h2>Campaigns</h2><p class="hint">No campaigns yet. Create one in the mini program's admin pages, or with <code>POST /call/campaigns</code> (README, walk-through 4).</p></section></div>`;
  return html`<div>
    ${pause}
    ${data.campaigns.map((c) => {
      const done = OUTCOMES.reduce((n, o) => n + (c.byStatus[o] ?? 0), 0);
      const total = Math.max(c.targeted, c.deliveries);
      const pct = total > 0 ? Math.round((done / total) * 100) : 0;
      return html`<section class="card campaign" data-campaign=${c.id}>
        <h2>${c.name} <span class="chip" data-testid="status">${c.status}</span></h2>
        <p class="hint">${c.templateId} · send at ${fmtTime(c.sendAt)} · started ${fmtTime(c.startedAt)} · completed ${fmtTime(c.completedAt)} (UTC+8)</p>
        <div class="progress"><div style=${`width:${pct}%`}></div></div>
        <dl class="counters inline">
          <dt>Targeted</dt><dd data-testid="targeted">${c.targeted}</dd>
          ${OUTCOME_NAMES.map((o) => html`<dt>${OUTCOME_LABELS[o]}</dt><dd data-outcome=${o}>${c.counts[o]}</dd>`)}
          <dt>Rate</dt><dd data-testid="rate">${c.ratePerSec} / s</dd>
          <dt>ETA</dt><dd data-testid="eta">${c.etaMs === null ? (c.counts.pending ? '–' : 'done') : fmtDuration(c.etaMs)}</dd>
        </dl>
        <h4>Sends over time by outcome (cumulative, virtual time UTC+8)</h4>
        ${c.series.t.length ? html`<${SendsChart} series=${c.series} />` : html`<p class="hint">Nothing sent yet.</p>`}
      </section>`;
    })}
  </div>`;
}

// ---------------------------------------------------------------------------------------------------------------
// Shell

const TABS = [
  ['overview', 'Overview'],
  ['database', 'Database'],
  ['wechat', 'WeChat'],
  ['invocations', 'Invocations'],
  ['campaigns', 'Campaigns'],
] as const;
type Tab = (typeof TABS)[number][0];

function currentTab(): Tab {
  const t = location.hash.replace(/^#/, '');
  return (TABS.find(([k]) => k === t)?.[0] ?? 'overview') as Tab;
}

function App() {
  const [tab, setTab] = useState<Tab>(currentTab());
  const { now } = useLive();
  const { data: ov } = useData<Overview>('/console/api/overview');
  useEffect(() => {
    const l = () => setTab(currentTab());
    window.addEventListener('hashchange', l);
    return () => window.removeEventListener('hashchange', l);
  }, []);
  const functions = ov?.functions.map((f) => f.name) ?? [];
  return html`<div class="app">
    <header class="top">
      <h1>Tixing emulator</h1>
      <nav>${TABS.map(([k, label]) => html`<a href=${`#${k}`} class=${tab === k ? 'active' : ''} data-tab=${k}>${label}</a>`)}</nav>
      <span class="live"><span class="dot"></span> ${fmtTime(now)} UTC+8</span>
    </header>
    <main data-panel=${tab}>
      ${tab === 'overview' ? html`<${OverviewPanel} />` : null}
      ${tab === 'database' ? html`<${DatabasePanel} />` : null}
      ${tab === 'wechat' ? html`<${WechatPanel} />` : null}
      ${tab === 'invocations' ? html`<${InvocationsPanel} functions=${functions} />` : null}
      ${tab === 'campaigns' ? html`<${CampaignsPanel} />` : null}
    </main>
  </div>`;
}

connect();
const root = document.getElementById('app');
if (root) render(html`<${App} />`, root);
