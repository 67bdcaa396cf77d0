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

/** Cloud calls left in the bundle after tree-shaking: `<x>.openapi.<ns>.<api>(` call sites. */
async function cloudCallsOf(fn: string): Promise<string[]> {
  const out = await build({ ...esbuildOptions(join(FUNCTIONS_DIR, fn)), write: false, logLevel: 'silent' });
  const text = out.outputFiles.map((f) => f.text).join('\n');
  const calls = new Set<string>();
  for (const m of text.matchAll(/\.openapi\.(\w+)\.(\w+)\s*\(/g)) calls.add(`${m[1]}.${m[2]}`);
  return [...calls].sort();
}

const functions = listFunctions();

it('finds the deployable functions', () => {
  expect(functions).toEqual(expect.arrayContaining(['campaigns', 'dispatch', 'reminders', 'setup', 'subscriptionEvents', 'subscriptions', 'templates', 'track']));
});

describe.each(functions)('%s', (fn) => {
  const dir = join(FUNCTIONS_DIR, fn);
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as FunctionConfig;

  it('config.json permissions.openapi lists exactly the cloud calls the bundle makes', async () => {
    expect([...(config.permissions?.openapi ?? [])].sort()).toEqual(await cloudCallsOf(fn));
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
