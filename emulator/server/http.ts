// Emulator server: small HTTP helpers (body reading, JSON answers, CloudBase-shaped /admin errors).
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Larger than any SDK request (SCF sync events are ≤ 6 MB [SCF-QUOTA]). */
export const MAX_BODY = 16 * 1024 * 1024;

/** wx-server-sdk only JSON-parses a wx.openApi answer with exactly this content-type (node-sdk handleWxOpenApiData). */
export const JSON_TYPE = 'application/json; charset=utf-8';

export class HttpError extends Error {
  constructor(
    public readonly status: number,
    message: string,
    public readonly code = 'BAD_REQUEST',
    public readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, `body larger than ${MAX_BODY} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** JSON body of a non-/admin endpoint: `{}` when empty; content-type not required (curl -d sends form type). */
export function parseJsonBody(body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8').trim();
  if (!text) return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new HttpError(400, 'body must be a JSON object');
  return v as Record<string, unknown>;
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  if (res.writableEnded || res.destroyed) return;
  const body = JSON.stringify(value === undefined ? null : value);
  res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendBuffer(res: ServerResponse, buf: Buffer, contentType = 'application/octet-stream'): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(200, { 'content-type': contentType, 'content-length': buf.length });
  res.end(buf);
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The names a request to the emulator may be addressed to: it listens on 127.0.0.1 only. */
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Refuses requests a web page elsewhere made the browser send. The emulator has no login: any page open in the
 * developer's browser could otherwise POST to 127.0.0.1 (a "simple" cross-site request needs no preflight) and run a
 * campaign or reset the database, and a DNS-rebinding page could even read the answers. Browsers put the page's
 * origin in `Origin` on every cross-origin fetch and on every POST, and the name the page used in `Host`:
 * - a `Host` that is not a loopback name → 403 FOREIGN_HOST;
 * - an `Origin` other than this server's own (the console's pages) → 403 FOREIGN_ORIGIN.
 * The SDK, curl, scripts and tests send no `Origin`; the console's own pages send their origin.
 */
export function foreignRequest(req: IncomingMessage): HttpError | undefined {
  const host = req.headers.host;
  if (host !== undefined && !LOOPBACK_NAMES.has(hostName(host))) {
    return new HttpError(403, 'the emulator answers requests addressed to 127.0.0.1 or localhost only', 'FOREIGN_HOST');
  }
  const origin = req.headers.origin;
  if (origin !== undefined && (host === undefined || origin.toLowerCase() !== `http://${host.toLowerCase()}`)) {
    return new HttpError(403, 'requests from another origin (a web page elsewhere) are refused: use the console at this address, curl or a script', 'FOREIGN_ORIGIN');
  }
  return undefined;
}

/** `name` of `name:port` (IPv6 literals keep their brackets), lower-case. */
function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}
