// Test support (README): the command blocks of README.md as the README test runs them. The convention (also stated
// at the top of the README's walk-throughs):
// - every ```bash fence is a command block; they run in the order they appear, each in a fresh `bash -eo pipefail`
//   that keeps the variables earlier blocks set (one terminal session), from the repository root, with the
//   `export …` line `npm start` printed already pasted;
// - `<!-- readme-test: skip -->` on the line right before the fence: not run (`npm install && npm start` itself,
//   commands that never end, commands meant for another project);
// - a comment line `# → <text>` states output: the block's output must contain it, in order; `...` and `<…>`
//   placeholders match anything, and a trailing note after two spaces in parentheses is not part of it;
// - `127.0.0.1:8787` is the server's address: the test substitutes the one it started.

export const SKIP_MARKER = '<!-- readme-test: skip -->';
export const README_ADDRESS = '127.0.0.1:8787';

export interface CommandBlock {
  /** 1-based line of the opening fence. */
  line: number;
  /** The nearest heading above the block. */
  heading: string;
  code: string;
  skip: boolean;
  /** `# → …` lines, as written. */
  expects: string[];
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)/;

export function extractBlocks(markdown: string): CommandBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: CommandBlock[] = [];
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const open = FENCE.exec(line);
    if (!open) {
      const h = /^#{1,6}\s+(.*)$/.exec(line);
      if (h) heading = h[1]!.trim();
      continue;
    }
    const fence = open[2]!;
    const lang = open[3]!.toLowerCase();
    const body: string[] = [];
    let j = i + 1;
    const closes = (l: string): boolean => {
      const t = l.trim();
      return t.length >= fence.length && t.split('').every((c) => c === fence[0]);
    };
    while (j < lines.length && !closes(lines[j]!)) {
      body.push(lines[j]!);
      j++;
    }
    if (lang === 'bash' || lang === 'sh' || lang === 'shell') {
      const prev = (lines.slice(0, i).reverse().find((l) => l.trim() !== '') ?? '').trim();
      blocks.push({
        line: i + 1,
        heading,
        code: body.join('\n'),
        skip: prev === SKIP_MARKER,
        expects: body.map((l) => /^\s*#\s*→\s?(.*)$/.exec(l)?.[1]).filter((e): e is string => e !== undefined).map((e) => e.trim()),
      });
    }
    i = j;
  }
  return blocks;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `# → …` text → a regular expression: `...`, `…` and `<placeholder>` match anything; a trailing "  (note)" is dropped. */
export function expectationPattern(expected: string): RegExp {
  const text = expected.replace(/\s{2,}\([^)]*\)\s*$/, '').trim();
  const parts = text.split(/\.\.\.|…|<[^<>\s][^<>]*>/);
  return new RegExp(parts.map(escape).join('[\\s\\S]*?'));
}

/** Each expectation found in `output`, in order; the first one missing (or undefined when all are found). */
export function firstUnmet(output: string, expects: readonly string[]): string | undefined {
  let from = 0;
  for (const e of expects) {
    const m = expectationPattern(e).exec(output.slice(from));
    if (!m) return e;
    from += m.index + m[0].length;
  }
  return undefined;
}

/** The block's code with the README's address replaced by the server's (`host:port`). */
export function forServer(code: string, address: string): string {
  return code.split(README_ADDRESS).join(address);
}
