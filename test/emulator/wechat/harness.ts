// Test support (WeChat simulator): a tiny /admin server that routes wx-server-sdk's `wx.openApi` to the simulator,
// plus the SDK environment that points the real wx-server-sdk at it. Listens on 127.0.0.1:0; close() in afterAll.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AdminError, type InvocationInfo, type WechatSimulator } from '../../../emulator/contracts';
import { OPENAPI_RESPONSE_CONTENT_TYPE } from '../../../emulator/wechat';
import { multipartFields, parseMultipart } from '../../../emulator/wechat/multipart';
import { baseEnv } from '../../../emulator/runner/env';

export interface Harness {
  port: number;
  /** The function invocation the next requests come from (permission checks); undefined = plain script. */
  invocation: InvocationInfo | undefined;
  /** Requests seen, by action (for assertions that nothing else was called). */
  actions: string[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startHarness(sim: WechatSimulator): Promise<Harness> {
  let seq = 0;
  const h = { invocation: undefined as InvocationInfo | undefined, actions: [] as string[] };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const requestId = `req-${++seq}`;
      const body = await readBody(req);
      const contentType = String(req.headers['content-type'] ?? '');
      const json = (status: number, obj: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(obj));
      };
      if (!contentType.startsWith('multipart/form-data')) {
        const action = (JSON.parse(body.toString() || '{}') as { action?: string }).action ?? '';
        h.actions.push(action);
        return json(404, { code: 'ACTION_NOT_FOUND', message: `harness: ${action} not served`, requestId });
      }
      // Not `new Response(body).formData()`: it turns the filename-less binary requestData part into a lossy string.
      const form = multipartFields(parseMultipart(body, contentType));
      const field = (name: string): string => form.get(name)?.toString('utf8') ?? '';
      const action = field('action');
      h.actions.push(action);
      if (action !== 'wx.openApi') return json(404, { code: 'ACTION_NOT_FOUND', message: `harness: ${action}`, requestId });
      const requestData = form.get('requestData') ?? Buffer.alloc(0);
      const token = field('wxCloudApiToken');
      try {
        const out = await sim.handleOpenApi(
          {
            apiName: field('apiName'),
            requestData,
            ...(token !== '' ? { wxCloudApiToken: token } : {}),
          },
          { envName: field('envName'), requestId, ...(h.invocation ? { invocation: h.invocation } : {}) },
        );
        if (res.destroyed) return;
        res.writeHead(200, { 'content-type': OPENAPI_RESPONSE_CONTENT_TYPE });
        res.end(out);
      } catch (e) {
        // Exactly this content-type (json() above): node-sdk then JSON-parses the body and the SDK maps `code`.
        if (e instanceof AdminError) return json(200, { code: e.code, message: e.message, requestId });
        json(500, { code: 'SYS_ERR', message: String(e), requestId });
      }
    })().catch((e: unknown) => {
      res.writeHead(500);
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(h, {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/** The process environment wx-server-sdk needs to talk to the harness (docs/platform-facts.md §8.3). */
export function sdkEnv(port: number): Record<string, string> {
  return {
    ...baseEnv(port),
    WX_API_TOKEN: 'fake-wx-api-token',
    // node-sdk reads WX_API_TOKEN only when a *_CONTEXT_KEYS list names it (tcbcontext.ts getCloudbaseContext), as SCF does.
    WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID,WX_UNIONID,WX_API_TOKEN',
  };
}
