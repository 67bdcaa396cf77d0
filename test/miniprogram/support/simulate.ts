// Test support (mini program): load a built page/component with miniprogram-simulate (official WeChat compiler),
// tap inside a simulated user gesture, and wait for asynchronous UI work to settle.
import * as path from 'path';
import { buildMiniprogram, removeBuild } from './build';
import { gesture } from './wx-mock';

/**
 * The slice of miniprogram-simulate (j-component) the tests use. Typed here on purpose: its own .d.ts imports
 * miniprogram-api-typings, whose globals (`wx`, `require`, ...) would leak into the root (Node) typecheck.
 */
export interface Comp {
  readonly dom: { textContent: string | null; addEventListener(n: string, f: () => void, o?: object): void } | undefined;
  readonly data: Record<string, any>;
  readonly instance: Record<string, any>;
  dispatchEvent(eventName: string, options?: object): void;
  addEventListener(eventName: string, handler: (e: any) => void): void;
  querySelector(selector: string): Comp | undefined;
  querySelectorAll(selector: string): Comp[];
  setData(data: Record<string, unknown>): void;
  attach(parent: unknown): void;
  detach(): void;
}
interface Simulate {
  load(componentPath: string, tagName: string, options: { compiler: 'official'; rootPath: string }): string;
  render(id: string, props?: Record<string, unknown>): Comp;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const simulate = require('miniprogram-simulate') as Simulate;
// simulate runs each component's .js with `require` and then deletes it from require.cache so the next load runs it
// again; jest's module registry ignores require.cache, so a component used by two pages would register only once.
// Run it in an isolated registry instead (the bundles are self-contained).
const simulateUtils = require('miniprogram-simulate/src/utils') as { runJs: (file: string) => void };
simulateUtils.runJs = (file: string) => jest.isolateModules(() => require(file));
const doc = (globalThis as unknown as { document: { createElement(tag: string): unknown } }).document;

/** Loads `miniprogram/<rel>` (e.g. `components/subscribe-button/index`) and renders it attached to a parent. */
const loaded = new Map<string, string>();
afterAll(removeBuild); // each test file builds into its own temp dir

export function mount(rel: string, props: Record<string, unknown> = {}): Comp {
  const root = buildMiniprogram();
  // Load once per test file: simulate re-runs the component's .js through `require`, which jest caches.
  let id = loaded.get(rel);
  if (!id) {
    id = simulate.load(path.join(root, rel), 'main', { compiler: 'official', rootPath: root });
    loaded.set(rel, id);
  }
  const comp = simulate.render(id, props);
  comp.attach(doc.createElement('parent-wrapper'));
  return comp;
}

/** Dispatches `tap` on the first node matching `selector`, as a user tap (the gesture window WeChat checks). */
export async function tap(root: Comp, selector: string): Promise<void> {
  const target = root.querySelector(selector);
  if (!target || !target.dom) throw new Error(`nothing to tap at ${selector}`);
  const open = () => {
    gesture.active = true;
    queueMicrotask(() => { gesture.active = false; });
  };
  target.dom.addEventListener('tap', open, { capture: true, once: true });
  target.dispatchEvent('tap');
  await settle();
}

/** Lets pending promises and zero-delay timers run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0));
}

/** Polls `pred` until it holds (real timers), failing with `what` after `timeoutMs`. */
export async function waitFor(pred: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  while (!pred()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Collects the `detail` of every `eventName` the root component triggers. */
export function listen<T = any>(comp: Comp, eventName: string): T[] {
  const seen: T[] = [];
  comp.addEventListener(eventName, (e: { detail: T }) => seen.push(e.detail));
  return seen;
}

/** Text content of the rendered tree (for asserting what the user sees). */
export function textOf(comp: Comp): string {
  return (comp.dom?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** The first node matching `selector`; fails the test (naming the selector) when there is none. */
export function node(root: Comp, selector: string): Comp {
  const c = root.querySelector(selector);
  if (!c) throw new Error(`no ${selector} on the page`);
  return c;
}

/** Types `value` into the input at `selector` (bindinput). */
export function type(root: Comp, selector: string, value: string): void {
  node(root, selector).dispatchEvent('input', { detail: { value } });
}

/** A picker / switch / checkbox change at `selector` (bindchange). */
export function change(root: Comp, selector: string, value: string | number | boolean): void {
  node(root, selector).dispatchEvent('change', { detail: { value } });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
