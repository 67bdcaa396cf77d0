// Emulator: a short record of the longest events (slow database requests, loop stalls), longest first.

/**
 * Puts the event lasting `ms` into `list` (longest first, at most `max`) unless it is shorter than all `max` kept;
 * `make` builds the entry only then, so the usual short event costs one comparison.
 */
export function keepLongest<T extends { ms: number }>(list: T[], max: number, ms: number, make: () => T): void {
  if (list.length >= max && ms <= list[list.length - 1]!.ms) return;
  const i = list.findIndex((x) => x.ms < ms);
  list.splice(i < 0 ? list.length : i, 0, make());
  if (list.length > max) list.pop();
}
