// Build: the layering rules, checked on the source (parsed with the TypeScript compiler, so comments, strings and
// multi-line imports are read as the compiler reads them).
//   core/**      is pure domain: it imports only zod, dayjs (and dayjs/plugin/*), cron-parser and files inside core/; no clock and
//                no randomness of its own (no Date.now, Math.random, argument-less new Date) — time, ids and random
//                numbers come in through ports. (core reads no JSON from config/ today, so none is allowed.)
//   emulator/**  is a separate product: it imports nothing from core/ or adapters/, and decides WeChat's answers
//                from its own tables (emulator/wechat/rules.ts).
// Every failure lists file:line.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(__dirname, '..', '..');
const SOURCE = /\.(?:ts|tsx|mts|cts|js|mjs|cjs)$/;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out.sort();
}

interface ImportSite {
  specifier: string;
  line: number;
}

interface Finding {
  what: string;
  line: number;
}

function parse(fileName: string, text: string): ts.SourceFile {
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
}

const lineOf = (sf: ts.SourceFile, node: ts.Node): number => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;

/** Every module a file depends on: import / import type / export … from / import x = require / require() / import(). */
function importsOf(fileName: string, text: string): ImportSite[] {
  const sf = parse(fileName, text);
  const out: ImportSite[] = [];
  const add = (spec: ts.Expression | undefined, at: ts.Node): void => {
    if (spec && ts.isStringLiteralLike(spec)) out.push({ specifier: spec.text, line: lineOf(sf, at) });
    else if (spec) out.push({ specifier: `<computed: ${spec.getText(sf)}>`, line: lineOf(sf, at) });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier, node);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node.moduleReference.expression, node);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal as ts.Expression, node);
    else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      if (isRequire || callee.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0], node);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Uses of the ambient clock and randomness: Date.now, Math.random (called or taken), `new Date` with no argument. */
function impuritiesOf(fileName: string, text: string): Finding[] {
  const sf = parse(fileName, text);
  const out: Finding[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
      const name = `${node.expression.text}.${node.name.text}`;
      if (name === 'Date.now' || name === 'Math.random') out.push({ what: `${name}(`, line: lineOf(sf, node) });
    } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Date') {
      if (!node.arguments || node.arguments.length === 0) out.push({ what: 'new Date() without an argument', line: lineOf(sf, node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

const CORE = join(ROOT, 'core');
const EMULATOR = join(ROOT, 'emulator');
const rel = (file: string): string => relative(ROOT, file).split(sep).join('/');
const inside = (file: string, dir: string): boolean => file === dir || file.startsWith(dir + sep);

/**
 * What core may import: zod, dayjs, dayjs/plugin/*, cron-parser (pure when given `currentDate`, as
 * core/campaigns/recurrence.ts always does), and relative paths that stay inside core/.
 */
function coreImportAllowed(file: string, specifier: string): boolean {
  if (specifier === 'zod' || specifier === 'dayjs' || specifier === 'cron-parser' || /^dayjs\/plugin\/[A-Za-z0-9_-]+(?:\.js)?$/.test(specifier)) return true;
  if (specifier.startsWith('./') || specifier.startsWith('../')) return inside(resolve(dirname(file), specifier), CORE);
  return false;
}

/**
 * What the emulator may not import: anything that resolves into core/ or adapters/ of this repository. A computed
 * specifier cannot be resolved statically; the runner loads the built function bundles that way (running the
 * product, as the cloud does, is not importing it), so computed specifiers are not judged here.
 */
function emulatorImportForbidden(file: string, specifier: string): boolean {
  if (specifier.startsWith('<computed')) return false;
  if (!(specifier.startsWith('.') || specifier.startsWith('/'))) return /^(?:tixing\/)?(?:core|adapters)(?:\/|$)/.test(specifier);
  const target = resolve(dirname(file), specifier);
  return inside(target, join(ROOT, 'core')) || inside(target, join(ROOT, 'adapters'));
}

function report(title: string, lines: string[]): void {
  if (lines.length > 0) throw new Error(`${title} (${lines.length}):\n${lines.map((l) => `  ${l}`).join('\n')}`);
}

const coreFiles = sourceFiles(CORE);
const emulatorFiles = sourceFiles(EMULATOR);
const read = (f: string): string => readFileSync(f, 'utf8');

describe('core/** is pure', () => {
  it('finds the core sources', () => {
    expect(coreFiles.length).toBeGreaterThan(30);
  });

  it('imports only zod, dayjs, dayjs/plugin/* and files inside core/', () => {
    const bad = coreFiles.flatMap((f) =>
      importsOf(f, read(f))
        .filter((i) => !coreImportAllowed(f, i.specifier))
        .map((i) => `${rel(f)}:${i.line} imports '${i.specifier}'`),
    );
    report('core/ imports outside zod, dayjs, dayjs/plugin/* and core/', bad);
  });

  it('has no clock or randomness of its own: no Date.now(, Math.random(, argument-less new Date()', () => {
    const bad = coreFiles.flatMap((f) => impuritiesOf(f, read(f)).map((x) => `${rel(f)}:${x.line} uses ${x.what}`));
    report('core/ reads the clock or randomness directly (take them from a port)', bad);
  });
});

describe('emulator/** is a separate product', () => {
  it('finds the emulator sources', () => {
    expect(emulatorFiles.length).toBeGreaterThan(20);
  });

  it('imports nothing from core/ or adapters/', () => {
    const bad = emulatorFiles.flatMap((f) =>
      importsOf(f, read(f))
        .filter((i) => emulatorImportForbidden(f, i.specifier))
        .map((i) => `${rel(f)}:${i.line} imports '${i.specifier}'`),
    );
    report('emulator/ imports from core/ or adapters/ (the emulator decides from its own tables)', bad);
  });
});

describe('the checker itself', () => {
  const sample = [
    "// import x from 'node:fs'; Date.now() in a comment does not count",
    "import { a,",
    "  b } from './a';",
    "import type { T } from 'wx-server-sdk';",
    "export { c } from '../../adapters/x';",
    "import fs = require('node:fs');",
    "const m = require('node:crypto');",
    "const later = import('../../core/y');",
    "const s = 'Date.now() and import z from \"q\" inside a string';",
    'const t = Date.now();',
    'const r = Math.random;',
    'const d0 = new Date();',
    'const d1 = new Date;',
    'const d2 = new Date(0);',
    'const d3 = new Date(t, 1);',
    "type P = import('./types').P;",
  ].join('\n');

  it('reads every kind of import with its line, and nothing in comments or strings', () => {
    expect(importsOf('x.ts', sample)).toEqual([
      { specifier: './a', line: 2 },
      { specifier: 'wx-server-sdk', line: 4 },
      { specifier: '../../adapters/x', line: 5 },
      { specifier: 'node:fs', line: 6 },
      { specifier: 'node:crypto', line: 7 },
      { specifier: '../../core/y', line: 8 },
      { specifier: './types', line: 16 },
    ]);
  });

  it('finds Date.now, Math.random and argument-less new Date, with their lines', () => {
    expect(impuritiesOf('x.ts', sample)).toEqual([
      { what: 'Date.now(', line: 10 },
      { what: 'Math.random(', line: 11 },
      { what: 'new Date() without an argument', line: 12 },
      { what: 'new Date() without an argument', line: 13 },
    ]);
  });

  it('core allow-list and emulator deny-list', () => {
    const coreFile = join(CORE, 'template', 'x.ts');
    expect(coreImportAllowed(coreFile, 'zod')).toBe(true);
    expect(coreImportAllowed(coreFile, 'dayjs')).toBe(true);
    expect(coreImportAllowed(coreFile, 'dayjs/plugin/utc')).toBe(true);
    expect(coreImportAllowed(coreFile, '../sending/outcomes')).toBe(true);
    expect(coreImportAllowed(coreFile, '../../adapters/db')).toBe(false);
    expect(coreImportAllowed(coreFile, '../../config/templates.json')).toBe(false);
    expect(coreImportAllowed(coreFile, 'node:crypto')).toBe(false);
    expect(coreImportAllowed(coreFile, 'dayjs-ext')).toBe(false);
    expect(coreImportAllowed(coreFile, 'zod/v4/core')).toBe(false);
    const emuFile = join(EMULATOR, 'wechat', 'x.ts');
    expect(emulatorImportForbidden(emuFile, '../../core/template/keywords')).toBe(true);
    expect(emulatorImportForbidden(emuFile, '../../adapters/db')).toBe(true);
    expect(emulatorImportForbidden(emuFile, './rules')).toBe(false);
    expect(emulatorImportForbidden(emuFile, '../contracts')).toBe(false);
    expect(emulatorImportForbidden(emuFile, '../../coreutils/x')).toBe(false);
    expect(emulatorImportForbidden(emuFile, 'zod')).toBe(false);
  });
});
