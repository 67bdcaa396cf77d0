// Build: the test-file naming rule of test/support/emulator.ts — a test file that starts the emulator, a server or a
// child process running part of the system is `*.e2e.test.ts`, and no other is, so excluding `.e2e.` gives a run
// that opens no port and starts no process.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const TEST = join(ROOT, 'test');
/** This file names the markers in its own examples. */
const SELF = 'test/build/e2e-suffix.test.ts';

/** Calls in a test file's own text that start something (the helpers that do it, and the node APIs themselves). */
const STARTS: [string, RegExp][] = [
  ['useEmulator', /\buseEmulator\s*\(/],
  ['startTestEmulator', /\bstartTestEmulator\s*\(/],
  ['startEmulator', /\bstartEmulator\s*\(/],
  ['startEmulatorChild', /\bstartEmulatorChild\s*\(/],
  ['startHarness', /\bstartHarness\s*\(/],
  ['useWechatEnv', /\buseWechatEnv\s*\(/],
  ['startEnv', /\bstartEnv\s*\(/],
  ['createServer', /\bcreateServer\s*\(/],
  ['.listen', /\.listen\s*\(/],
  ['spawn', /\bspawn\s*\(/],
  ['fork', /\bfork\s*\(/],
  ['execFile', /\bexecFile\b/],
];


function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : testFiles(p);
    return e.name.endsWith('.test.ts') ? [relative(ROOT, p).split('\\').join('/')] : [];
  });
}

function startsIn(text: string): string[] {
  return STARTS.filter(([, re]) => re.test(text)).map(([name]) => name);
}

const files = testFiles(TEST);

it('finds the test files, both kinds', () => {
  expect(files).toContain(SELF);
  expect(files.filter((f) => f.endsWith('.e2e.test.ts')).length).toBeGreaterThan(10);
  expect(files.filter((f) => !f.endsWith('.e2e.test.ts')).length).toBeGreaterThan(10);
});

it('recognises what starts a server or a process, and not look-alikes', () => {
  expect(startsIn("const h = useEmulator({ fixtures: ['ticker'] });")).toEqual(['useEmulator']);
  expect(startsIn('emu = await startEmulatorChild(Date.now());')).toEqual(['startEmulatorChild']);
  expect(startsIn("const env = useWechatEnv({ wxApiToken: true });")).toEqual(['useWechatEnv']);
  expect(startsIn('await new Promise((r) => server.listen(0, r));')).toEqual(['.listen']);
  expect(startsIn("const results = listen(comp, 'result');")).toEqual([]); // simulate's event listener
  expect(startsIn("spawnSync(wcc, [], { timeout: 10_000 });")).toEqual([]); // a one-shot compiler run
});

it('every test file that starts the emulator, a server or a child process is *.e2e.test.ts', () => {
  const wrong = files
    .filter((f) => !f.endsWith('.e2e.test.ts') && f !== SELF)
    .map((f) => ({ file: f, starts: startsIn(readFileSync(join(ROOT, f), 'utf8')) }))
    .filter((x) => x.starts.length > 0);
  expect(wrong).toEqual([]);
});

it('every *.e2e.test.ts starts something (else it belongs in the fast run)', () => {
  const idle = files.filter((f) => f.endsWith('.e2e.test.ts') && startsIn(readFileSync(join(ROOT, f), 'utf8')).length === 0);
  expect(idle).toEqual([]);
});
