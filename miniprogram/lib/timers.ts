// Mini program lib: per-instance timers (debounce, polling) kept outside `data`, keyed by the page instance.

const timers = new WeakMap<object, Map<string, number>>();

function slot(owner: object): Map<string, number> {
  let m = timers.get(owner);
  if (!m) timers.set(owner, (m = new Map()));
  return m;
}

/** Runs `fn` once `ms` after the last call with the same owner and name. */
export function debounce(owner: object, name: string, ms: number, fn: () => void): void {
  const m = slot(owner);
  const prev = m.get(name);
  if (prev !== undefined) clearTimeout(prev);
  m.set(name, setTimeout(() => { m.delete(name); fn(); }, ms) as unknown as number);
}

/** Runs `fn` every `ms` until stopped; a second start replaces the first. */
export function every(owner: object, name: string, ms: number, fn: () => void): void {
  stop(owner, name);
  slot(owner).set(name, setInterval(fn, ms) as unknown as number);
}

export function stop(owner: object, name: string): void {
  const m = slot(owner);
  const id = m.get(name);
  if (id !== undefined) {
    clearTimeout(id);
    clearInterval(id);
    m.delete(name);
  }
}
