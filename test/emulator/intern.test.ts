// emulator/intern.ts: repeated short strings come back as one stored copy; values are never changed.
import { intern, internStrings } from '../../emulator/intern';

/** A fresh string object with the same content (not a literal the compiler already shares). */
const fresh = (s: string): string => JSON.parse(JSON.stringify(s)) as string;

// Which copy comes back cannot be observed from JavaScript (strings compare by value); what must hold is that the
// answer is always equal to the question, whatever shares a slot (the heap figures are in docs/architecture.md).
it('always hands back an equal string, whatever else took its slot', () => {
  const seen: string[] = [];
  for (let i = 0; i < 50_000; i++) {
    const s = fresh(i % 7 === 0 ? `campaign-${i % 13}` : `o-${i.toString(36)}${'é'.repeat(i % 3)}`);
    seen.push(s);
    expect(intern(s)).toBe(s);
  }
  for (const s of seen.slice(0, 1000)) expect(intern(fresh(s))).toBe(s);
  expect(intern('')).toBe('');
  expect(intern('x'.repeat(300))).toBe('x'.repeat(300)); // long strings pass through
});

it('interns the strings of a document in place without changing any value', () => {
  const make = (): Record<string, unknown> =>
    JSON.parse('{"_id":"d1","sourceId":"bench-1","data":{"thing1":{"value":"周末读书会"}},"tags":["a",{"k":"v"}],"n":1,"at":null}') as Record<string, unknown>;
  const one = make();
  const two = make();
  const want = make();
  internStrings(one);
  internStrings(two);
  expect(one).toEqual(want);
  expect(two).toEqual(want);
  expect(Object.keys(two)).toEqual(Object.keys(want));
  const value = (d: Record<string, unknown>): string => ((d.data as Record<string, Record<string, string>>).thing1 as Record<string, string>).value as string;
  expect(value(two)).toBe(value(one));
});
