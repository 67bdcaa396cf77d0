// The emulator console in a real browser (Debian's chromium through playwright-core): each panel is clicked through
// against a running emulator with the real functions, and what it shows is asserted against the emulator's state.
// CONSOLE_SCREENSHOTS=<dir> writes a screenshot of each panel there.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '../support/browser';
import cloud from 'wx-server-sdk';
import { useEmulator, withSdkEnv } from '../support/emulator';
import { OUTCOME_LABELS, OUTCOMES } from '../../core/outcomes';
import { DEFAULT_DISPATCH_CONFIG } from '../../core/dispatch/config';
import { startRuns } from '../../core/dispatch/wake';

// Functions passed to page.waitForFunction run in the page, where `document` exists (this file is typed for node).
declare const document: any;

const h = useEmulator();

/** Retries `check` on `read()` until it passes (the console's writes land through HTTP, asynchronously). */
async function eventually<T>(read: () => T, check: (v: T) => void, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      check(read());
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
const T = 'TPL_EVENT_REMINDER';
const USERS = ['o-alice', 'o-bob', 'o-carol'];
let b: TestBrowser;
let page: Page;
let campaignId = '';

const shots = process.env.CONSOLE_SCREENSHOTS;
async function screenshot(name: string): Promise<void> {
  if (!shots) return;
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

async function open(tab: string): Promise<void> {
  await page.click(`nav a[data-tab="${tab}"]`);
  await page.waitForSelector(`main[data-panel="${tab}"]`);
}

type Env = { ok: boolean; data?: any; error?: { code: string } };

beforeAll(async () => {
  const emu = h.emu;
  expect(await emu.call<Env>('setup', 'o-admin', { demo: true })).toMatchObject({ ok: true });
  // Three users tap "accept" in the popup, and the page reports each tap to the ledger.
  for (const [i, openid] of USERS.entries()) {
    emu.requestSubscribe(openid, [T], { [T]: 'accept' });
    const r = await emu.call<Env>('subscriptions', openid, {
      action: 'record', requestId: `console-${i}-000001`, placement: { page: 'pages/events/events', button: 'remind' }, tmplIds: [T], result: { [T]: 'accept' },
    });
    expect(r).toMatchObject({ ok: true });
  }
  // A call the function refuses (ok:false), for the Invocations filters.
  expect(await emu.call<Env>('hello', 'o-dave', { action: 'bogus' })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_ACTION' } });
  b = await launchBrowser();
  page = b.page;
  page.on('dialog', (d) => void d.accept());
  await page.goto(`${emu.url}/`);
  await page.waitForSelector('main[data-panel="overview"]');
}, 120_000);

afterAll(async () => {
  await b?.close();
});

describe('Overview', () => {
  it('shows functions with warm workers and last calls, timers, counters, and moves the clock', async () => {
    await page.waitForSelector('#functions tr[data-fn="dispatch"]');
    expect(await page.textContent('#functions tr[data-fn="dispatch"]')).toContain('0 */10 * * * * *');
    expect(Number(await page.textContent('#functions tr[data-fn="subscriptions"] [data-testid="workers"]'))).toBeGreaterThanOrEqual(1);
    expect(await page.locator('#functions tr[data-fn="hello"] [data-outcome="ok:false"]').count()).toBe(1);
    expect(await page.textContent('#timers')).toContain('dispatch/dispatchTimer');
    const invocations = h.emu.invocations().length;
    await page.waitForFunction((n) => document.querySelector('[data-testid="count-invocations"]')?.textContent === String(n), invocations);
    await screenshot('overview');

    // Live: a call made elsewhere shows up without a reload (server-sent events).
    await h.emu.call('hello', 'o-erin', {});
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="count-invocations"]')?.textContent) === n, invocations + 1);

    // The admin creates and schedules a campaign from the console ("Call a function", as the admin pages would).
    const call = async (fn: string, openid: string, data: unknown) => {
      await page.selectOption('#call select[name="fn"]', fn);
      await page.fill('#call input[name="openid"]', openid);
      await page.fill('#call textarea[name="data"]', JSON.stringify(data));
      const before = await page.textContent('#call').then((t) => t ?? '');
      await page.click('#call button[type="submit"]');
      await page.waitForFunction((b) => document.querySelector('#call')?.textContent !== b && !!document.querySelector('[data-testid="call-answer"]'), before);
      return { status: await page.textContent('[data-testid="call-status"]'), answer: JSON.parse((await page.textContent('[data-testid="call-answer"]')) ?? 'null') };
    };
    const created = await call('campaigns', 'o-admin', {
      action: 'create', name: '周末读书会', templateId: T,
      data: { thing1: '周末读书会', time2: '2026-05-02 10:00', thing3: '图书馆三楼', thing4: '记得带书' },
      page: 'pages/index/index', audience: { kind: 'all' },
    });
    expect(created).toMatchObject({ status: 'HTTP 200', answer: { ok: true, data: { id: expect.any(String) } } });
    campaignId = created.answer.data.id;
    const scheduled = await call('campaigns', 'o-admin', { action: 'schedule', id: campaignId, sendAt: '2026-05-01 09:00', zone: 'Asia/Shanghai' });
    expect(scheduled.answer).toMatchObject({ ok: true, data: { status: 'scheduled' } });
    expect(h.emu.db.find('campaigns', { _id: campaignId })[0]).toMatchObject({ status: 'scheduled', name: '周末读书会' });

    // Ten minutes before the start, the heartbeat arms the campaign's runs: the Timers card lists the delayed tasks.
    await h.emu.advance(Math.max(0, Date.parse('2026-05-01T00:52:00Z') - h.emu.now()));
    const runsArmed = startRuns(DEFAULT_DISPATCH_CONFIG);
    expect(h.emu.timers.delayed().filter((t) => t.fn === 'dispatch')).toHaveLength(runsArmed);
    await page.waitForFunction((n) => document.querySelectorAll('#timers [data-testid="delayed-task"]').length === n, runsArmed);
    expect(await page.textContent('#timers [data-testid="delayed-task"]')).toContain('dispatch (delayed task)');

    // Jump to 09:30 Beijing time: the campaign starts at 09:00 and the dispatcher sends it on the way.
    const before = h.emu.now();
    await page.fill('#clock input[name="jump"]', '2026-05-01T09:30:00+08:00');
    await page.click('#clock button[type="submit"]');
    await page.waitForFunction(() => /timer run\(s\)/.test(document.querySelector('[data-testid="clock-message"]')?.textContent ?? ''), undefined, { timeout: 60_000 });
    expect(h.emu.now()).toBeGreaterThanOrEqual(Date.parse('2026-05-01T01:30:00Z'));
    expect(h.emu.now()).toBeGreaterThan(before);
    expect(await page.textContent('[data-testid="clock-message"]')).toMatch(/dispatch ok \d+/);
    await page.waitForFunction(() => document.querySelector('[data-testid="count-delivered"]')?.textContent === '3');

    // "Fire timer" runs dispatch once, now.
    const runs = h.emu.invocations().filter((e) => e.fn === 'dispatch').length;
    await page.click('#functions tr[data-fn="dispatch"] button:has-text("Fire timer")');
    await eventually(() => h.emu.invocations().filter((e) => e.fn === 'dispatch').length, (v) => expect(v).toBe(runs + 1));

    // +10 min walks the clock by ten minutes.
    const t0 = h.emu.now();
    await page.click('#clock button:has-text("+10 min")');
    await page.waitForFunction((t) => document.querySelector('[data-testid="clock-message"]')?.textContent?.includes('now') && true, t0);
    await eventually(() => h.emu.now() - t0, (v) => expect(v).toBeGreaterThanOrEqual(600_000));
  }, 90_000);
});

describe('Campaigns', () => {
  it('shows the campaign completed, its deliveries by outcome, rate, ETA and the chart of sends', async () => {
    await open('campaigns');
    const card = page.locator(`section[data-campaign="${campaignId}"]`);
    await card.waitFor();
    expect(await card.locator('h2').textContent()).toContain('周末读书会');
    await page.waitForFunction((id) => document.querySelector(`section[data-campaign="${id}"] [data-testid="status"]`)?.textContent === 'completed', campaignId);
    expect(await card.locator('[data-outcome="sent"]').textContent()).toBe('3');
    expect(await card.locator('[data-outcome="pending"]').textContent()).toBe('0');
    // The counts read the outcome vocabulary of the CLI and the pages (core/outcomes.ts), in its order: no raw
    // `sending` count beside `pending`.
    expect(await card.locator('dl.counters dd[data-outcome]').evaluateAll((els) => els.map((e) => e.getAttribute('data-outcome')))).toEqual([...OUTCOMES]);
    const terms = await card.locator('dl.counters dt').allTextContents();
    expect(terms).toEqual(['Targeted', ...OUTCOMES.map((o) => OUTCOME_LABELS[o].en), 'Rate', 'ETA']);
    expect(await card.locator('[data-status]').count()).toBe(0);
    expect(await card.locator('[data-testid="targeted"]').textContent()).toBe('3');
    expect(await card.locator('[data-testid="eta"]').textContent()).toBe('done');
    expect(await card.locator('[data-testid="rate"]').textContent()).toMatch(/^\d+(\.\d+)? \/ s$/);
    // uPlot draws on a canvas, with a legend entry per outcome.
    await card.locator('[data-testid="chart"] canvas').waitFor();
    expect(await card.locator('.u-legend').textContent()).toContain('sent');
    await screenshot('campaigns');
  });

  it('follows a second campaign live, from scheduled to completed, without a reload', async () => {
    const emu = h.emu;
    emu.requestSubscribe('o-dave', [T], { [T]: 'accept' });
    await emu.call('subscriptions', 'o-dave', {
      action: 'record', requestId: 'console-dave-0001', placement: { page: 'pages/events/events', button: 'remind' }, tmplIds: [T], result: { [T]: 'accept' },
    });
    const created = await emu.call<Env>('campaigns', 'o-admin', {
      action: 'create', name: '读书会第二期', templateId: T,
      data: { thing1: '读书会第二期', time2: '2026-05-09 10:00', thing3: '图书馆三楼', thing4: '记得带书' },
      page: 'pages/index/index', audience: { kind: 'all' },
    });
    const id = created.data.id as string;
    await emu.call<Env>('campaigns', 'o-admin', { action: 'schedule', id, sendAt: '2026-05-01 12:00', zone: 'Asia/Shanghai' });
    const status = (v: string) => page.waitForFunction(([cid, want]) => document.querySelector(`section[data-campaign="${cid}"] [data-testid="status"]`)?.textContent === want, [id, v]);
    await status('scheduled');
    await emu.advance(3 * 3600_000);
    await status('completed');
    expect(await page.textContent(`section[data-campaign="${id}"] [data-outcome="sent"]`)).toBe('1');
    expect(emu.inbox('o-dave').map((m) => m.rendered)).toEqual([expect.stringContaining('读书会第二期')]);
  }, 60_000);
});

describe('WeChat', () => {
  it('lists users, shows quota per template and the inbox as cards; the tap, the main switch and faults work', async () => {
    await open('wechat');
    await page.click('[data-testid="users"] li[data-openid="o-alice"] a');
    await page.waitForSelector('#user h2:has-text("o-alice")');
    // The campaign used the one grant: WeChat's count is back to 0.
    expect(await page.textContent(`[data-testid="quota"] tr[data-template="${T}"] td.n`)).toBe('0');
    const card = page.locator('#inbox .wxcard').first();
    await card.waitFor();
    const text = await card.textContent();
    expect(text).toContain('活动开始提醒');
    expect(text).toContain('周末读书会');
    expect(text).toContain('图书馆三楼');
    expect(text).toContain('进入小程序查看');
    await screenshot('wechat');

    // The user taps "Allow" for the reminder template: WeChat's count goes up by one.
    await page.check(`#tap input[name="ask-${T}"]`);
    await page.click('#tap button.primary');
    await page.waitForFunction(() => /=accept/.test(document.querySelector('[data-testid="tap-result"]')?.textContent ?? ''));
    expect(h.emu.quota('o-alice', T)).toBe(1);
    await page.waitForFunction((t) => document.querySelector(`[data-testid="quota"] tr[data-template="${t}"] td.n`)?.textContent === '1', T);

    // Main switch off, as in WeChat's settings.
    await page.uncheck('#user input[name="mainSwitch"]');
    await eventually(() => h.emu.wechat.getSetting('o-alice').mainSwitch, (v) => expect(v).toBe(false));
    await page.check('#user input[name="mainSwitch"]');
    await eventually(() => h.emu.wechat.getSetting('o-alice').mainSwitch, (v) => expect(v).toBe(true));

    // Fault injection: set, then a bad value is refused with the server's message.
    await page.fill('#faults input[name="systemErrorRate"]', '0.2');
    await page.fill('#faults input[name="fixedMs"]', '15');
    await page.click('#faults button.primary');
    await eventually(() => h.emu.wechat.faults(), (v) => expect(v).toEqual({ systemErrorRate: 0.2, latency: { fixedMs: 15 } }));
    await page.fill('#faults input[name="timeoutRate"]', '3');
    await page.click('#faults button.primary');
    await page.waitForSelector('#faults .error:has-text("timeoutRate")');
    expect(h.emu.wechat.faults()).toEqual({ systemErrorRate: 0.2, latency: { fixedMs: 15 } });
    await page.click('#faults button:has-text("Clear")');
    await eventually(() => h.emu.wechat.faults(), (v) => expect(v).toEqual({}));

    // A user WeChat does not know yet: open by openid, and the user rejects in the popup (nothing counted).
    await page.fill('input[name="openid"]', 'o-newcomer');
    await page.click('form:has(input[name="openid"]) button[type="submit"]');
    await page.waitForSelector('#user h2:has-text("o-newcomer")');
    await page.check(`#tap input[name="ask-${T}"]`);
    await page.selectOption(`#tap select[name="choice-${T}"]`, 'reject');
    await page.click('#tap button.primary');
    await page.waitForFunction(() => /=reject/.test(document.querySelector('[data-testid="tap-result"]')?.textContent ?? ''));
    expect(h.emu.quota('o-newcomer', T)).toBe(0);
    await page.waitForSelector('[data-testid="users"] li[data-openid="o-newcomer"]');
    expect(await page.textContent('#inbox')).toContain('No messages.');
  }, 60_000);
});

describe('Invocations', () => {
  it('filters by function and outcome; a row opens its event, answer, console output and database requests', async () => {
    await open('invocations');
    await page.waitForSelector('[data-testid="invocations"] tr.inv');
    await page.selectOption('select[name="outcome"]', 'ok:false');
    await page.click('form.filters button[type="submit"]');
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid="invocations"] tr.inv')];
      return rows.length > 0 && rows.every((r) => r.querySelector('[data-outcome]')?.getAttribute('data-outcome') === 'ok:false');
    });
    const refused = page.locator('[data-testid="invocations"] tr.inv');
    expect(await refused.count()).toBe(1);
    expect(await refused.first().textContent()).toContain('UNKNOWN_ACTION');
    await refused.first().click();
    await page.waitForSelector('[data-testid="detail"]');
    expect(await page.textContent('[data-testid="event"]')).toContain('"action": "bogus"');
    expect(await page.textContent('[data-testid="answer"]')).toContain('UNKNOWN_ACTION');

    // subscriptions.record for o-bob: its grants write shows in the requests.
    await page.selectOption('select[name="outcome"]', '');
    await page.selectOption('select[name="fn"]', 'subscriptions');
    await page.fill('input[name="openid"]', 'o-bob');
    await page.click('form.filters button[type="submit"]');
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid="invocations"] tr.inv')];
      return rows.length === 1 && rows[0]?.textContent?.includes('subscriptions');
    });
    await page.click('[data-testid="invocations"] tr.inv');
    await page.waitForSelector('[data-testid="requests"] tbody tr');
    const requests = await page.textContent('[data-testid="requests"]');
    expect(requests).toContain('grants');
    expect(await page.textContent('[data-testid="event"]')).toContain('console-1-000001');
    await screenshot('invocations');

    // dispatch runs print their summary: the console output of one that sent is shown.
    // Narrowed by time to the run that sent (there are more than 100 runs after the jump).
    const sent = h.emu.invocations().find((e) => e.fn === 'dispatch' && (h.emu.runner.detail(e.id)?.output.join('\n') ?? '').includes('"sent":3'));
    expect(sent).toBeDefined();
    await page.selectOption('select[name="fn"]', 'dispatch');
    await page.fill('input[name="openid"]', '');
    await page.fill('input[name="since"]', new Date(sent!.startedAt).toISOString());
    await page.fill('input[name="until"]', new Date(sent!.startedAt).toISOString());
    await page.click('form.filters button[type="submit"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="invocations"] tr.inv').length === 1);
    await page.click(`[data-testid="invocations"] tr.inv[data-id="${sent!.id}"]`);
    await page.waitForSelector('[data-testid="output"]');
    expect(await page.textContent('[data-testid="output"]')).toContain('"sent":3');
  }, 60_000);
});

describe('Database', () => {
  it('lists collections with indexes, queries documents, adds, edits and deletes one, exports and imports', async () => {
    await open('database');
    await page.click('[data-testid="collections"] li[data-collection="deliveries"] a');
    await page.waitForSelector('main h2:has-text("deliveries")');
    expect(await page.textContent('table.indexes')).toContain('status_due');
    const deliveries = h.emu.db.find('deliveries').length;
    expect(deliveries).toBe(4); // three of the first campaign, one of the second
    await page.waitForFunction((n) => document.querySelector('[data-testid="doc-total"]')?.textContent?.startsWith(`${n} document`), deliveries);
    await page.fill('input[name="query"]', '{"openid":"o-bob"}');
    await page.click('button:has-text("Query")');
    await page.waitForFunction(() => document.querySelector('[data-testid="doc-total"]')?.textContent?.startsWith('1 document'));
    expect(await page.textContent('li.doc pre')).toContain('"status": "sent"');
    await screenshot('database');

    // Pages of 50: a plain script (the real SDK, no invocation) writes 60 documents; the open console follows.
    await withSdkEnv(h.emu, async () => {
      cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });
      const db = cloud.database();
      await db.createCollection('pages_probe');
      for (let i = 0; i < 60; i++) await db.collection('pages_probe').add({ data: { _id: `p${String(i).padStart(2, '0')}`, n: i } });
    });
    await page.click('[data-testid="collections"] li[data-collection="pages_probe"] a');
    expect(await page.inputValue('input[name="query"]')).toBe('');
    await page.waitForFunction(() => document.querySelector('[data-testid="doc-total"]')?.textContent === '60 document(s), showing 1–50');
    expect(await page.locator('li.doc').count()).toBe(50);
    await page.click('button:has-text("Next")');
    await page.waitForFunction(() => document.querySelectorAll('li.doc').length === 10);
    expect(await page.textContent('li.doc pre')).toContain('"n": 50');
    await page.click('button:has-text("Previous")');
    await page.waitForFunction(() => document.querySelectorAll('li.doc').length === 50);

    // Add a document to users, edit it, delete it.
    await page.click('[data-testid="collections"] li[data-collection="users"] a');
    await page.waitForSelector('main h2:has-text("users")');
    await page.click('button:has-text("Add document")');
    await page.fill('.editor textarea', '{"_id":"o-zed","nickname":"小泽","tags":["vip"]}');
    await page.click('.editor button:has-text("Save")');
    await eventually(() => h.emu.db.find('users', { _id: 'o-zed' }), (v) => expect(v).toEqual([{ _id: 'o-zed', nickname: '小泽', tags: ['vip'] }]));
    const doc = page.locator('li.doc[data-id="o-zed"]');
    await doc.waitFor();
    await doc.locator('button:has-text("Edit")').click();
    await doc.locator('textarea').fill('{"_id":"o-zed","nickname":"小泽泽"}');
    await doc.locator('button:has-text("Save")').click();
    await eventually(() => h.emu.db.find('users', { _id: 'o-zed' }), (v) => expect(v).toEqual([{ _id: 'o-zed', nickname: '小泽泽' }]));
    await page.locator('li.doc[data-id="o-zed"] button:has-text("Delete")').click();
    await eventually(() => h.emu.db.find('users', { _id: 'o-zed' }), (v) => expect(v).toEqual([]));
    await page.locator('li.doc[data-id="o-zed"]').waitFor({ state: 'detached' });

    // A bad document is refused with a message, nothing written.
    await page.click('button:has-text("Add document")');
    await page.fill('.editor textarea', '{"nickname": ');
    await page.click('.editor button:has-text("Save")');
    await page.waitForSelector('.error:has-text("not valid JSON")');
    await page.click('.editor button:has-text("Cancel")');

    // Export downloads the whole database; import replaces it.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button:has-text("Export")')]);
    const path = await download.path();
    const exported = JSON.parse(require('node:fs').readFileSync(path, 'utf8')) as { collections: Record<string, unknown[]> };
    expect(exported.collections.deliveries).toHaveLength(deliveries);
    const snapshot = { collections: { ...exported.collections, users: [{ _id: 'o-imported', nickname: '导入' }] } };
    await page.setInputFiles('[data-testid="import-file"]', { name: 'db.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(snapshot)) });
    await eventually(() => h.emu.db.find('users'), (v) => expect(v).toEqual([{ _id: 'o-imported', nickname: '导入' }]));
    await page.waitForSelector('li.doc[data-id="o-imported"]');
  }, 60_000);
});

describe('Another origin', () => {
  it('a web page on another origin cannot drive the emulator: its POSTs are refused and change nothing', async () => {
    // The page a developer might have open in another tab: it fires "simple" cross-site POSTs (no preflight) at the
    // emulator, as a malicious page would (emulator/server/http.ts foreignRequest).
    const emuUrl = h.emu.url;
    const html = `<!doctype html><title>…</title><script>
      const hit = (path, body) => fetch(${JSON.stringify(emuUrl)} + path, { method: 'POST', mode: 'no-cors', body }).catch(() => undefined);
      Promise.all([hit('/call/hello', '{"openid":"o-evil"}'), hit('/reset', '{}')]).then(() => { document.title = 'sent'; });
    </script>`;
    const { createServer } = await import('node:http');
    const other = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const collections = h.emu.db.collections().length;
    const invocations = h.emu.invocations().length;
    try {
      const port = (other.address() as { port: number }).port;
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction(() => document.title === 'sent');
    } finally {
      other.close();
    }
    expect(h.emu.invocations().slice(invocations).filter((e) => e.openid === 'o-evil')).toEqual([]);
    expect(h.emu.db.collections().length).toBe(collections);
    expect(collections).toBeGreaterThan(0);
  }, 60_000);
});
