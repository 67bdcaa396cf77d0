// Build: every platform-fact citation in the repo resolves inside the repo. Comments cite WeChat/CloudBase facts with
// bracketed source keys (upper-case letters, digits, hyphens); each must be a row of the Sources table at the end of
// docs/platform-facts.md. No file may point a reader at a document that lives outside the repository.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const FACTS = 'docs/platform-facts.md';
/** This file names the forbidden references and the allow-list on purpose; it is not scanned. */
const SELF = 'test/build/citations.test.ts';

/** The tracked files a reader of the repo follows citations from. */
function inScope(path: string): boolean {
  return (
    path === 'README.md' ||
    /^(core|adapters|emulator|miniprogram|scripts|config|docs|test)\//.test(path) ||
    /^cloudfunctions\/[^/]+\/src\//.test(path)
  );
}

interface SourceFile {
  path: string;
  lines: string[];
}

function trackedFiles(): SourceFile[] {
  const out = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const files: SourceFile[] = [];
  for (const path of out.split('\0')) {
    if (path === '' || path === SELF || !inScope(path)) continue;
    const abs = join(ROOT, path);
    if (!existsSync(abs)) continue; // tracked but deleted in the working tree
    const text = readFileSync(abs, 'utf8');
    if (text.includes('\0')) continue; // binary
    files.push({ path, lines: text.split(/\r?\n/) });
  }
  return files;
}

/** Keys defined by the Sources table: rows `| [KEY] | source |` after the `## Sources` heading. */
function definedKeys(markdown: string): Map<string, string> {
  const lines = markdown.split(/\r?\n/);
  const start = lines.findIndex((l) => /^##\s+Sources\s*$/.test(l));
  const keys = new Map<string, string>();
  if (start < 0) return keys;
  for (const line of lines.slice(start + 1)) {
    if (/^#{1,2}\s/.test(line)) break; // the next top-level section ends the table
    const m = /^\|\s*\[([A-Z][A-Z0-9-]*)\]\s*\|\s*(.*?)\s*\|\s*$/.exec(line);
    if (m) keys.set(m[1] as string, m[2] as string);
  }
  return keys;
}

/**
 * Bracketed upper-case tokens that are code, not citations: computed property keys and index expressions over
 * constants of test files and the emulator (`{ [ONE]: 'accept' }`, `rsm([LONG])`, `Delivery[K]`, `this[BRAND]`).
 * A listed token is exempt only in a file that declares it as an identifier (see `declares`), so the same word
 * written as a citation in a comment elsewhere is still checked.
 */
const NOT_CITATIONS = new Set(['ONE', 'LONG', 'NEW', 'TPL', 'BRAND', 'REMINDER', 'ORDER', 'T', 'K']);

function declares(text: string, name: string): boolean {
  return new RegExp(`\\b(?:const|let|var|type|interface|enum|class|function)\\s+${name}\\b|\\[\\s*${name}\\s+in\\b|<${name}\\b`).test(text);
}

/** A citation: `[` upper-case letter, then upper-case letters, digits and single hyphens, `]`. */
const CITATION = /\[([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*)\]/g;

function unresolvedCitations(files: SourceFile[], keys: Map<string, string>): string[] {
  const offenders: string[] = [];
  for (const f of files) {
    const text = f.lines.join('\n');
    f.lines.forEach((line, i) => {
      for (const m of line.matchAll(CITATION)) {
        const key = m[1] as string;
        if (keys.has(key)) continue;
        if (NOT_CITATIONS.has(key) && declares(text, key)) continue;
        offenders.push(`${f.path}:${i + 1}: [${key}] is not defined in the Sources table of ${FACTS}`);
      }
    });
  }
  return offenders;
}

/** Documents outside the repository that files used to point at. */
const OUTSIDE_REFERENCES: { pattern: RegExp; what: string }[] = [
  { pattern: /wechat-facts/, what: 'the shared wechat-facts.md (outside the repo; cite ' + FACTS + ')' },
  { pattern: /tcb-wire-protocol/, what: 'the shared tcb-wire-protocol.md (outside the repo; see ' + FACTS + ' §8)' },
  { pattern: /\.\.\/shared\b/, what: '../shared (outside the repo)' },
  { pattern: /shared\/design/, what: 'shared/design (outside the repo)' },
  { pattern: /\bapi\.md\b/, what: 'api.md (outside the repo)' },
];

function outsideReferences(files: SourceFile[]): string[] {
  const offenders: string[] = [];
  for (const f of files) {
    f.lines.forEach((line, i) => {
      for (const { pattern, what } of OUTSIDE_REFERENCES) {
        if (pattern.test(line)) offenders.push(`${f.path}:${i + 1}: refers to ${what}: ${line.trim().slice(0, 160)}`);
      }
    });
  }
  return offenders;
}

const files = trackedFiles();
const factsText = existsSync(join(ROOT, FACTS)) ? readFileSync(join(ROOT, FACTS), 'utf8') : '';
const keys = definedKeys(factsText);

describe(FACTS, () => {
  it('exists and defines source keys, each once, each with a source', () => {
    expect(keys.size).toBeGreaterThan(0);
    const rows = [...factsText.matchAll(/^\|\s*\[([A-Z][A-Z0-9-]*)\]\s*\|/gm)].map((m) => m[1] as string);
    const twice = rows.filter((k, i) => rows.indexOf(k) !== i);
    expect(twice).toEqual([]);
    const empty = [...keys].filter(([, source]) => source === '').map(([k]) => k);
    expect(empty).toEqual([]);
  });

  it('defines no key that is also allow-listed as a non-citation', () => {
    expect([...NOT_CITATIONS].filter((t) => keys.has(t))).toEqual([]);
  });
});

describe('citations', () => {
  it('scans the tracked files (sanity)', () => {
    expect(files.some((f) => f.path === FACTS)).toBe(true);
    expect(files.length).toBeGreaterThan(100);
  });

  it('every bracketed source key resolves to the Sources table of docs/platform-facts.md', () => {
    expect(unresolvedCitations(files, keys)).toEqual([]);
  });

  it('no file refers to a document outside the repo', () => {
    expect(outsideReferences(files)).toEqual([]);
  });
});

describe('the checks themselves', () => {
  // Built from pieces so that this file never holds a literal offender.
  const bogus = '[' + 'NO-SUCH-KEY' + ']';
  const sample: SourceFile[] = [
    { path: 'core/x.ts', lines: ['// ok [SEND-NEW]', `// bad ${bogus}`, 'const ONE = 1;', 'f({ [ONE]: 2 });'] },
    { path: 'core/y.ts', lines: ['// [' + 'ONE] cited without a declaration', '// see ' + 'wechat-facts' + '.md §2'] },
  ];
  const sampleKeys = new Map([['SEND-NEW', 'url']]);

  it('reports an undefined key and an allow-listed token used as a citation, with file:line', () => {
    expect(unresolvedCitations(sample, sampleKeys)).toEqual([
      `core/x.ts:2: ${bogus} is not defined in the Sources table of ${FACTS}`,
      `core/y.ts:1: [ONE] is not defined in the Sources table of ${FACTS}`,
    ]);
  });

  it('reports a reference to an outside document, with file:line', () => {
    expect(outsideReferences(sample)).toEqual([expect.stringMatching(/^core\/y\.ts:2: refers to the shared wechat-facts\.md/)]);
  });

  it('parses the Sources table and nothing before it', () => {
    const md = ['# T', '| [EARLY] | not a source |', '## Sources', '| key | source |', '|---|---|', '| [A-1] | https://a |', '| [B] | b |'].join('\n');
    expect([...definedKeys(md).keys()]).toEqual(['A-1', 'B']);
  });
});
