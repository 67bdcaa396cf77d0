// Unit: the README command-block extractor and the expected-output matcher (test/readme/blocks.ts).
import { extractBlocks, expectationPattern, firstUnmet, forServer } from './blocks';

const MD = [
  '# Title',
  '<!-- readme-test: skip -->',
  '```bash',
  'npm install && npm start',
  '```',
  '## Walk-through',
  '',
  '```bash',
  'E=http://127.0.0.1:8787',
  'curl -s $E/health',
  '# → {"ok":true,...}   (a note)',
  '```',
  'a card, not a command:',
  '```',
  'echo not run',
  '```',
  '```ts',
  'const x = 1;',
  '```',
  '````bash',
  'echo "```"',
  '````',
].join('\n');

describe('extractBlocks', () => {
  const blocks = extractBlocks(MD);
  it('takes ```bash fences only, in order, with the heading above and the skip marker', () => {
    expect(blocks.map((b) => [b.line, b.heading, b.skip])).toEqual([[3, 'Title', true], [8, 'Walk-through', false], [20, 'Walk-through', false]]);
    expect(blocks[1]!.code).toBe('E=http://127.0.0.1:8787\ncurl -s $E/health\n# → {"ok":true,...}   (a note)');
    expect(blocks[2]!.code).toBe('echo "```"');
  });
  it('reads `# →` lines as expectations', () => {
    expect(blocks[1]!.expects).toEqual(['{"ok":true,...}   (a note)']);
    expect(blocks[0]!.expects).toEqual([]);
  });
  it('a marker further up does not skip a block', () => {
    expect(extractBlocks('<!-- readme-test: skip -->\ntext\n```bash\ntrue\n```')[0]!.skip).toBe(false);
  });
});

describe('expected output', () => {
  it('`...` and <placeholders> match anything; a trailing note is dropped; the rest is literal', () => {
    expect(expectationPattern('{"ok":true,...}   (a note)').test('{"ok":true,"data":{"a":1}}')).toBe(true);
    expect(expectationPattern('{"id":"<id>"}').test('{"id":"abc-1"}')).toBe(true);
    expect(expectationPattern('{"ok":true,...}').test('{"ok":false,"error":{}}')).toBe(false);
    expect(expectationPattern('a.b (c)').test('axb (c)')).toBe(false);
  });
  it('every expectation must appear, in order', () => {
    expect(firstUnmet('{"ok":true} then {"n":2}', ['{"ok":true}', '{"n":2}'])).toBeUndefined();
    expect(firstUnmet('{"n":2} then {"ok":true}', ['{"ok":true}', '{"n":2}'])).toBe('{"n":2}');
    expect(firstUnmet('anything', [])).toBeUndefined();
  });
  it('the README address becomes the test server', () => {
    expect(forServer('curl 127.0.0.1:8787/a && curl http://127.0.0.1:8787/b', '127.0.0.1:40001')).toBe('curl 127.0.0.1:40001/a && curl http://127.0.0.1:40001/b');
  });
});
