// Emulator runner: the worker-thread bootstrap (compiled by esbuild at startup). Like one warm SCF container:
// loads the function bundle once, runs one invocation at a time with that invocation's process.env and clock.
import http from 'node:http';
import net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerBoot, WorkerError } from './protocol';

const boot = workerData as WorkerBoot;
const port = parentPort;
if (!port) throw new Error('bootstrap must run in a worker thread');

function send(msg: FromWorker): void {
  port!.postMessage(msg);
}

// --- Virtual clock: the global Date follows the emulator clock (real time + offset). --------------------------
const RealDate = Date;
let clockOffset = 0;
const virtualNow = (): number => RealDate.now() + clockOffset;
const VirtualDate = new Proxy(RealDate, {
  construct(target, args: unknown[], newTarget) {
    return Reflect.construct(target, args.length === 0 ? [virtualNow()] : args, newTarget);
  },
  apply() {
    // Date() called as a function returns a string of "now".
    return new RealDate(virtualNow()).toString();
  },
  get(target, prop, receiver) {
    if (prop === 'now') return virtualNow;
    return Reflect.get(target, prop, receiver);
  },
});
globalThis.Date = VirtualDate;

// --- Connections: spread over the emulator's listeners (server/index.ts FUNCTION_LISTENERS). ---------------------
// In SCF mode wx-server-sdk passes no agent of its own, so Node's global agent makes every connection. This one keeps
// connections alive as Node's does (same options), and opens each new one to the next of the emulator's ports, so
// that a burst of new connections is accepted in one or two turns of the emulator's event loop instead of one per turn.
const [mainPort, ...spread] = boot.ports;
if (mainPort !== undefined && spread.length > 0) {
  const all = [mainPort, ...spread];
  let next = 0;
  class SpreadingAgent extends http.Agent {
    // Node's agent calls this with its own callback and uses the socket returned (as net.createConnection does).
    override createConnection(options: http.ClientRequestArgs, cb?: (err: Error | null, stream: import('node:stream').Duplex) => void): net.Socket {
      const host = options.host ?? options.hostname ?? 'localhost';
      const toEmulator = Number(options.port) === mainPort && (host === '127.0.0.1' || host === 'localhost');
      const target = { ...options, ...(toEmulator ? { port: all[next++ % all.length]! } : {}) } as net.NetConnectOpts;
      return net.createConnection(target, cb as (() => void) | undefined);
    }
  }
  // Node's own global agent settings (Node 20): free sockets close after 5 s idle, the most recent is reused first.
  http.globalAgent = new SpreadingAgent({ keepAlive: true, scheduling: 'lifo', timeout: 5000 });
}

// --- Environment: exactly the invocation's variables, nothing left over from the previous invocation. ------
const baseline = new Set(Object.keys(process.env));
function applyEnv(env: Record<string, string>): void {
  for (const key of Object.keys(process.env)) {
    if (!baseline.has(key)) delete process.env[key];
  }
  for (const [key, value] of Object.entries(env)) process.env[key] = value;
}

let currentId: string | undefined;

function toWorkerError(err: unknown): WorkerError {
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack };
  if (err && typeof err === 'object') {
    // wx-server-sdk rejects some calls with plain objects ({ errCode, errMsg }).
    const o = err as Record<string, unknown>;
    const message = typeof o.errMsg === 'string' ? o.errMsg : typeof o.message === 'string' ? o.message : safeJson(err);
    return { name: 'Error', message };
  }
  return { name: 'Error', message: String(err) };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

// A stray rejection (e.g. the SDK's un-awaited credential check) must not kill the container.
process.on('unhandledRejection', (reason) => {
  send({ type: 'warn', id: currentId, message: `unhandled rejection: ${toWorkerError(reason).message}` });
});

type Main = (event: unknown, context: unknown) => unknown;
let mainFn: Main | undefined;
function loadMain(): Main {
  if (!mainFn) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(boot.modulePath) as { main?: unknown };
    if (typeof mod.main !== 'function') throw new Error(`${boot.modulePath} does not export a function "main"`);
    mainFn = mod.main as Main;
  }
  return mainFn;
}

/** Init phase, like an SCF cold start: load the bundle once with the container's environment. */
function init(): void {
  clockOffset = boot.clockOffset;
  applyEnv(boot.env);
  try {
    loadMain();
    send({ type: 'ready' });
  } catch (err) {
    send({ type: 'ready', error: toWorkerError(err) });
  }
}

async function invoke(msg: Extract<ToWorker, { type: 'invoke' }>): Promise<void> {
  currentId = msg.id;
  clockOffset = msg.clockOffset;
  applyEnv(msg.env);
  try {
    const value = await loadMain()(msg.event, msg.context);
    const json = value === undefined ? undefined : JSON.stringify(value);
    send({ type: 'done', id: msg.id, ok: true, json });
  } catch (err) {
    send({ type: 'done', id: msg.id, ok: false, error: toWorkerError(err) });
  }
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'clock') clockOffset = msg.clockOffset;
  else if (msg.type === 'invoke') void invoke(msg);
});
init();
