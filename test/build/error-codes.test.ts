// Build: the server's error vocabulary. Every error code is stable, documented in the README's error table and has a
// Chinese text in the mini program's table; the server's `message` is English for developers (no Chinese labels
// mixed in: the mini program maps codes and rules to Chinese).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ERROR_CODES } from '../../core/envelope';
import { validateMessage } from '../../core/template/validate';
import { ERROR_MESSAGES } from '../../miniprogram/lib/api-errors';
import { declaredTemplate } from '../support/templates';

const ROOT = resolve(__dirname, '..', '..');
const CJK = /[\u3400-\u9fff\uff00-\uffef]/;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === 'node_modules' ? [] : files(join(dir, e.name))) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('error codes', () => {
  it('are each documented in the README error table and mapped to Chinese in the mini program', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const code of Object.keys(ERROR_CODES)) {
      expect({ code, documented: readme.includes(`\`${code}\``) }).toEqual({ code, documented: true });
      expect(ERROR_MESSAGES).toHaveProperty(code);
    }
  });

  it('carry English messages: no Chinese in any DomainError or fail(CODE, …) text of the server code', () => {
    const offenders: string[] = [];
    for (const f of ['core', 'adapters', 'cloudfunctions'].flatMap((d) => files(join(ROOT, d)))) {
      readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
        if (/new DomainError\(|\bfail\('[A-Z_]+'/.test(line) && CJK.test(line)) offenders.push(`${f.slice(ROOT.length + 1)}:${i + 1}`);
      });
    }
    expect(offenders).toEqual([]);
  });

  it('validation messages name the key and type, never the Chinese keyword label', () => {
    const event = declaredTemplate('TPL_EVENT_REMINDER');
    expect(event.keywords.some((k) => CJK.test(k.label ?? ''))).toBe(true);
    const { errors } = validateMessage(event, { thing1: '一二三四五六七八九十一二三四五六七八九十一', time2: '下午' });
    expect(errors.length).toBeGreaterThan(2);
    for (const e of errors) {
      expect(e.message.startsWith(e.key)).toBe(true);
      expect(e.message.replace(/[年月日元]/g, '')).not.toMatch(CJK);
    }
  });
});
