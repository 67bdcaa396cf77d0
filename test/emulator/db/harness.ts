// Test layer (emulator/db): a minimal /admin server around the database service (the real server is built
// elsewhere) and the environment the real wx-server-sdk needs to talk to it (docs/platform-facts.md §8.3).
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClock } from '../../../emulator/clock';
import { AdminError, type Clock, type DatabaseService, type DatabaseServiceOptions } from '../../../emulator/contracts';
import { answerBody, createDatabaseService, type DatabaseTuning } from '../../../emulator/db';
import { baseEnv } from '../../../emulator/runner/env';

export interface Harness {
  service: DatabaseService;
  clock: Clock;
  url: string;
  /** POSTs a raw body (object → JSON, string as is) and returns the parsed answer. */
  post(body: unknown): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startHarness(opts: Partial<DatabaseServiceOptions> & DatabaseTuning = {}): Promise<Harness> {
  const clock = opts.clock ?? createClock(Date.parse('2026-05-01T00:00:00Z'));
  const service = await createDatabaseService({ ...opts, clock });
  let seq = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const requestId = `req-${++seq}`;
      const reply = (body: unknown): void => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      let params: Record<string, unknown>;
      try {
        params = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        return reply({ code: 'INVALID_PARAM', message: 'request body is not JSON', requestId });
      }
      const ctx = { envName: String(params.envName ?? ''), requestId };
      service.handle(params, ctx).then(
        (result) => reply(answerBody(requestId, result)),
        (e: unknown) => {
          const err = e instanceof AdminError ? e : new AdminError('SYS_ERR', String(e));
          reply({ code: err.code, message: err.message, requestId });
        },
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/admin`;
  return {
    service,
    clock,
    url,
    async post(body) {
      const res = await fetch(url, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      return (await res.json()) as Record<string, unknown>;
    },
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      await service.close();
    },
  };
}

type Sdk = typeof import('wx-server-sdk');
let sdk: Sdk | undefined;

/** Points the real wx-server-sdk at `url` (read per request from TCB_CONTEXT_CNFG) and returns it, initialised. */
export function useSdk(url: string): Sdk {
  // The runner's own base environment (one definition of what the SDK needs), aimed at `url`.
  Object.assign(process.env, baseEnv(Number(new URL(url).port)), {
    WX_API_TOKEN: 'fake-wx-api-token',
    SILENCE: 'true',
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: url }),
  });
  if (!sdk) {
    sdk = require('wx-server-sdk') as Sdk;
    sdk.init({ env: sdk.DYNAMIC_CURRENT_ENV as unknown as string });
  }
  return sdk;
}

/** The database API of the real SDK, loosely typed (the SDK's own typings miss most of it). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SdkDb = any;

export function sdkDb(url: string, config: Record<string, unknown> = {}): SdkDb {
  return useSdk(url).database(config);
}

/** Runs `fn` and returns what it threw (fails the test when nothing was thrown). */
export async function rejection(fn: () => Promise<unknown>): Promise<{ errCode?: number; errMsg?: string; message: string; code?: string }> {
  try {
    await fn();
  } catch (e) {
    return e as { errCode?: number; errMsg?: string; message: string; code?: string };
  }
  throw new Error('expected a rejection');
}
