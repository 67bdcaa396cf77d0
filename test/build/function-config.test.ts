// Build: each function's config.json is code — permissions.openapi lists exactly the cloud calls its bundle can make
// ([OPENAPI-GUIDE] -604101 otherwise), at most one timer trigger ([TRIG-WX]), and each folder is deployable.
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { esbuildOptions, FUNCTIONS_DIR, listFunctions, ROOT } from '../../scripts/build';

interface FunctionConfig {
  permissions?: { openapi?: string[] };
  triggers?: { name: string; type: string; config: string }[];
}

/** `<x>.openapi.<ns>.<api>(` call sites in bundle text, as `ns.api` (sorted, each once). */
function cloudCallsIn(text: string): string[] {
  const calls = new Set<string>();
  for (const m of text.matchAll(/\.openapi\.(\w+)\.(\w+)\s*\(/g)) calls.add(`${m[1]}.${m[2]}`);
  return [...calls].sort();
}

/** The function's bundle as esbuild builds it for deployment (tree-shaken), in memory; built once per function. */
const bundles = new Map<string, Promise<string>>();
function bundleOf(fn: string): Promise<string> {
  let b = bundles.get(fn);
  if (!b) {
    b = build({ ...esbuildOptions(join(FUNCTIONS_DIR, fn)), write: false, logLevel: 'silent' }).then((out) => out.outputFiles.map((f) => f.text).join('\n'));
    bundles.set(fn, b);
  }
  return b;
}

const functions = listFunctions();
const configOf = (fn: string): FunctionConfig => JSON.parse(readFileSync(join(FUNCTIONS_DIR, fn, 'config.json'), 'utf8')) as FunctionConfig;

/** Cloud calls each function is known to make (adapters/wechat-sender.ts), so a blind extractor cannot pass. */
const KNOWN_CALLS: Record<string, string[]> = {
  dispatch: ['subscribeMessage.send', 'cloudbase.addDelayedFunctionTask'],
  campaigns: ['subscribeMessage.send'],
  templates: [
    'subscribeMessage.addTemplate', 'subscribeMessage.deleteTemplate', 'subscribeMessage.getCategory', 'subscribeMessage.getPubTemplateKeyWordsById',
    'subscribeMessage.getPubTemplateTitleList', 'subscribeMessage.getTemplateList', 'subscribeMessage.send',
  ],
};

it('finds the deployable functions', () => {
  expect(functions).toEqual(expect.arrayContaining(['campaigns', 'dispatch', 'reminders', 'setup', 'subscriptionEvents', 'subscriptions', 'templates', 'track']));
});

describe('the call-site extractor', () => {
  it('reads call sites the way esbuild prints them, and nothing else', () => {
    const text = [
      'const r = await client.openapi.subscribeMessage.send(params);',
      'cloud.openapi.subscribeMessage.getTemplateList ({});',
      'x.openapi.subscribeMessage.send(again);', // once in the result
      'const f = cloud.openapi.subscribeMessage.addTemplate;', // taken, not called
      'openapi.security.msgSecCheck(x);', // no receiver: not a cloud call site
    ].join('\n');
    expect(cloudCallsIn(text)).toEqual(['subscribeMessage.getTemplateList', 'subscribeMessage.send']);
    expect(cloudCallsIn('')).toEqual([]);
  });

  it.each(Object.entries(KNOWN_CALLS))('finds the known cloud calls in %s\'s real bundle', async (fn, calls) => {
    expect(functions).toContain(fn);
    const text = await bundleOf(fn);
    expect(text.length).toBeGreaterThan(100_000); // the SDK is inlined: a near-empty bundle means a broken build
    expect(text.match(/\.openapi\.subscribeMessage\.send\s*\(/g)?.length ?? 0).toBeGreaterThan(0);
    expect(cloudCallsIn(text)).toEqual(expect.arrayContaining(calls));
  });

  it('some functions need no cloud call at all (so "exactly" below is not always the empty list)', () => {
    const withCalls = functions.filter((fn) => (configOf(fn).permissions?.openapi ?? []).length > 0);
    const without = functions.filter((fn) => (configOf(fn).permissions?.openapi ?? []).length === 0);
    expect(withCalls).toEqual(expect.arrayContaining(Object.keys(KNOWN_CALLS)));
    expect(without.length).toBeGreaterThan(0);
  });
});

it('dispatch has its timer (the trigger checks below see at least one)', () => {
  const triggers = functions.flatMap((fn) => configOf(fn).triggers ?? []);
  expect(triggers.length).toBeGreaterThan(0);
  expect(configOf('dispatch').triggers).toEqual([expect.objectContaining({ type: 'timer' })]);
});

describe.each(functions)('%s', (fn) => {
  const dir = join(FUNCTIONS_DIR, fn);
  const config = configOf(fn);

  it('config.json permissions.openapi lists exactly the cloud calls the bundle makes', async () => {
    const text = await bundleOf(fn);
    expect(text).toMatch(/\bmain\b/); // a real bundle, with the handler the runtime calls
    expect([...(config.permissions?.openapi ?? [])].sort()).toEqual(cloudCallsIn(text));
  });

  it('has at most one trigger, a timer with a valid name', () => {
    const triggers = config.triggers ?? [];
    expect(triggers.length).toBeLessThanOrEqual(1);
    for (const t of triggers) {
      expect(t.type).toBe('timer');
      expect(t.name).toMatch(/^[a-zA-Z][a-zA-Z0-9_-]{0,59}$/);
      expect(t.config.trim().split(/\s+/)).toHaveLength(7);
    }
  });

  it('is a self-contained folder: package.json with no dependencies, main index.js', () => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { main?: string; dependencies?: object };
    expect(pkg.main).toBe('index.js');
    expect(Object.keys(pkg.dependencies ?? {})).toEqual([]);
    expect(existsSync(join(dir, 'src', 'index.ts'))).toBe(true);
    expect(relative(ROOT, dir)).toBe(`cloudfunctions/${fn}`);
  });
});
