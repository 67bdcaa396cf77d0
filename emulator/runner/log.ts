// Emulator runner: the one readable line logged per invocation (virtual time, fn, caller, duration, outcome).
import type { InvocationLogEntry } from './types';

/** Virtual time in UTC+8 (the zone WeChat timers use), e.g. `2026-05-01 09:00:00.123+08`. */
export function formatTime(ms: number): string {
  const d = new Date(ms + 8 * 3600_000);
  return `${d.toISOString().slice(0, 23).replace('T', ' ')}+08`;
}

export function formatInvocation(e: InvocationLogEntry): string {
  const outcome =
    e.outcome === 'ok'
      ? 'ok'
      : e.outcome === 'ok:false'
        ? `answered ok:false${e.errorCode ? ` ${e.errorCode}` : ''}${e.error ? `: ${firstLine(e.error)}` : ''}`
        : `${e.outcome}${e.error ? `: ${firstLine(e.error)}` : ''}`;
  const cold = e.cold ? ' cold' : '';
  return `${formatTime(e.startedAt)}  ${e.fn.padEnd(18)} ← ${e.caller.padEnd(22)} ${String(e.durationMs).padStart(6)} ms  ${e.requests} req${cold}  ${outcome}`;
}

function firstLine(s: string): string {
  const line = s.split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
