// Emulator layer (WeChat simulator): checks a fault-injection spec (POST /wx/faults, --faults) key by key, so a
// typo such as `systemErrorRat` is refused with its name instead of being accepted and silently ignored.
import type { FaultSpec, LatencySpec } from '../contracts';

export class FaultSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultSpecError';
  }
}

const TOP_KEYS = ['systemErrorRate', 'timeoutRate', 'resetRate', 'latency', 'dailySendQuota', 'envRequestQuota'] as const;
const LATENCY_KEYS = ['fixedMs', 'minMs', 'maxMs'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function rate(key: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
    throw new FaultSpecError(`"${key}" must be a number from 0 to 1, got ${JSON.stringify(v)}`);
  }
  return v;
}

function millis(key: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new FaultSpecError(`"${key}" must be a number of milliseconds >= 0, got ${JSON.stringify(v)}`);
  return v;
}

/** The spec as a FaultSpec, or a FaultSpecError naming the first unknown key or bad value. */
export function parseFaultSpec(value: unknown): FaultSpec {
  if (!isObject(value)) throw new FaultSpecError('faults must be a JSON object, e.g. {"systemErrorRate":0.1}');
  for (const k of Object.keys(value)) {
    if (!(TOP_KEYS as readonly string[]).includes(k)) throw new FaultSpecError(`unknown key "${k}" in faults (known: ${TOP_KEYS.join(', ')})`);
  }
  const out: FaultSpec = {};
  if (value.systemErrorRate !== undefined) out.systemErrorRate = rate('systemErrorRate', value.systemErrorRate);
  if (value.timeoutRate !== undefined) out.timeoutRate = rate('timeoutRate', value.timeoutRate);
  if (value.resetRate !== undefined) out.resetRate = rate('resetRate', value.resetRate);
  for (const k of ['dailySendQuota', 'envRequestQuota'] as const) {
    const v = value[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new FaultSpecError(`"${k}" must be an integer >= 0 (calls per Beijing day), got ${JSON.stringify(v)}`);
    out[k] = v;
  }
  if (value.latency !== undefined) {
    const l = value.latency;
    if (!isObject(l)) throw new FaultSpecError('"latency" must be an object: {"fixedMs":100} or {"minMs":20,"maxMs":200}');
    for (const k of Object.keys(l)) {
      if (!(LATENCY_KEYS as readonly string[]).includes(k)) throw new FaultSpecError(`unknown key "latency.${k}" in faults (known: ${LATENCY_KEYS.join(', ')})`);
    }
    const lat: LatencySpec = {};
    for (const k of LATENCY_KEYS) if (l[k] !== undefined) lat[k] = millis(`latency.${k}`, l[k]);
    if (lat.minMs !== undefined && lat.maxMs !== undefined && lat.minMs > lat.maxMs) throw new FaultSpecError('"latency.minMs" must not exceed "latency.maxMs"');
    out.latency = lat;
  }
  return out;
}
