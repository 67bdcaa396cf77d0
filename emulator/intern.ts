// Emulator: one copy of a repeated short string. Every request's JSON is parsed into new strings, so a million stored
// deliveries held a million copies of their campaign's id, template id and data values (and the WeChat simulator a
// million copies of the same rendered card): memory, and objects for the garbage collector to mark. Strings are
// immutable, so handing back an equal string that is already stored changes nothing a reader can see.
import { isPlainObject } from './db/ejson';

/** Slots of the cache: a string's slot is picked by its hash, and a newcomer takes the slot (no list, no growth). */
const SLOTS = 1 << 13;
/** Longer strings are left as they are (hashing costs a pass over them; they are rarely repeated verbatim). */
const MAX_LENGTH = 256;
const table: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);

/**
 * The stored copy of `s` when an equal string was seen recently, else `s` (now the stored copy). Unique strings
 * (ids) take slots in passing; a value repeated across documents is found again before it is pushed out.
 */
export function intern(s: string): string {
  if (s.length > MAX_LENGTH) return s;
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  const slot = (h ^ (h >>> 15)) & (SLOTS - 1);
  const t = table[slot];
  if (t === s) return t;
  table[slot] = s;
  return s;
}

/**
 * Interns, in place, the strings of a document: its string fields and those of its nested plain objects and arrays
 * (to `depth` levels). Safe on a value others hold: each string is replaced by an equal one.
 */
export function internStrings(value: object, depth = 3): void {
  const rec = value as Record<string, unknown>; // an array's elements are its keys too
  for (const k of Object.keys(rec)) {
    const v = rec[k];
    if (typeof v === 'string') rec[k] = intern(v);
    else if (depth > 1 && (Array.isArray(v) || isPlainObject(v))) internStrings(v as object, depth - 1);
  }
}
