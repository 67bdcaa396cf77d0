// Emulator layer (storage): CloudBase cloud storage as wx-server-sdk 4.0.2 uses it (node-sdk src/storage/index.ts):
//   uploadFile     = storage.getUploadMetadata {path} → {url, token, authorization, fileId, cosFileId}, then
//                    PUT <url> with the bytes (node-sdk 3.x) or POST a multipart form (2.x); COS answers XML, an
//                    empty 200 body is success
//   getTempFileURL = storage.batchGetDownloadUrl {file_list:[{fileid, max_age}]} → {download_list:[{fileID,
//                    tempFileURL, code, maxAge}]}; downloadFile = the same, then GET tempFileURL
//   deleteFile     = storage.batchDeleteFile {fileid_list} → {delete_list:[{fileID, code}]}
// Files live in memory, or under <dataDir>/storage/<cloudPath> with --data (written atomically). Temporary URLs are
// served by the emulator itself and signed with an expiry on the emulator's (virtual) clock.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as path from 'node:path';
import mime from 'mime-types';
import { AdminError, type Clock, type Logger } from '../contracts';
import { parseMultipart } from '../server/multipart';

/** [STORAGE] default validity of a temporary download URL when max_age is absent (seconds). */
export const DEFAULT_MAX_AGE_SEC = 86_400;
/** An upload URL from getUploadMetadata is good for this long (emulator clock). */
export const UPLOAD_TTL_MS = 10 * 60_000;

export interface StoredFile {
  fileID: string;
  cloudPath: string;
  size: number;
  contentType: string;
}

export interface StorageServiceOptions {
  clock: Clock;
  envId: string;
  /** The emulator's base URL (http://127.0.0.1:PORT), read when a URL is handed out. */
  baseUrl: () => string;
  /** Keep files under <dataDir>/storage; in memory when absent. */
  dataDir?: string;
  log?: Logger;
}

export interface StorageService {
  /** The /admin `storage.*` actions; answers the `data` of the JSON body. */
  handle(params: Record<string, unknown>): Promise<unknown>;
  /** PUT /storage/upload?token=…, GET|HEAD /storage/file/<cloudPath>?t=…&sign=…; false when not a storage path. */
  handleHttp(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  /** Every stored file (the data panel, tests). */
  list(): StoredFile[];
  /** A file's bytes by fileID or cloud path (tests, scripts); undefined when absent. */
  read(fileIdOrPath: string): Buffer | undefined;
  /** The fileID of a cloud path. */
  fileId(cloudPath: string): string;
  reset(): void;
  stats(): { files: number; bytes: number };
}

export const STORAGE_ACTIONS = ['storage.getUploadMetadata', 'storage.batchGetDownloadUrl', 'storage.batchDeleteFile'] as const;

const invalidParam = (message: string): AdminError => new AdminError('INVALID_PARAM', message);

/**
 * A cloud path as CloudBase takes it: not empty, no leading `/`, no empty or `.`/`..` segment, at most 850 bytes.
 * `?`, `#`, `%`, `\` and control characters are refused here (they would not survive the emulator's URLs).
 */
export function checkCloudPath(p: unknown): string {
  if (typeof p !== 'string' || p === '') throw invalidParam('cloudPath must be a non-empty string');
  if (p.startsWith('/')) throw invalidParam(`cloudPath must not start with "/": ${p}`);
  if (Buffer.byteLength(p) > 850) throw invalidParam('cloudPath is longer than 850 bytes');
  if (/[?#%\\\u0000-\u001f\u007f]/.test(p)) throw invalidParam(`cloudPath has a character the local emulator does not accept (?, #, %, \\ or a control character): ${p}`);
  if (p.split('/').some((s) => s === '' || s === '.' || s === '..')) throw invalidParam(`cloudPath has an empty, "." or ".." segment: ${p}`);
  return p;
}

export function createStorageService(opts: StorageServiceOptions): StorageService {
  const log = opts.log ?? (() => undefined);
  // The bucket part of a fileID, shaped like CloudBase's (hex of the env id's first characters, env id, app id).
  const bucket = `${Buffer.from(opts.envId.slice(0, 2)).toString('hex')}-${opts.envId}-1300000000`;
  const prefix = `cloud://${opts.envId}.${bucket}/`;
  const secret = randomBytes(32);
  const root = opts.dataDir ? path.join(opts.dataDir, 'storage') : undefined;
  const memory = new Map<string, Buffer>();
  const uploads = new Map<string, { cloudPath: string; until: number }>();

  const fileId = (cloudPath: string): string => prefix + cloudPath;
  const pathOf = (fileIdOrPath: string): string | undefined => {
    if (!fileIdOrPath.startsWith('cloud://')) return fileIdOrPath;
    return fileIdOrPath.startsWith(prefix) ? fileIdOrPath.slice(prefix.length) : undefined;
  };
  const diskPath = (cloudPath: string): string => path.join(root as string, ...cloudPath.split('/'));

  function get(cloudPath: string): Buffer | undefined {
    if (!root) return memory.get(cloudPath);
    const file = diskPath(cloudPath);
    try {
      return fs.statSync(file).isFile() ? fs.readFileSync(file) : undefined;
    } catch {
      return undefined;
    }
  }

  function put(cloudPath: string, data: Buffer): void {
    if (!root) {
      memory.set(cloudPath, data);
      return;
    }
    const file = diskPath(cloudPath);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  }

  function remove(cloudPath: string): boolean {
    if (!root) return memory.delete(cloudPath);
    try {
      fs.rmSync(diskPath(cloudPath));
      return true;
    } catch {
      return false;
    }
  }

  function paths(): string[] {
    if (!root) return [...memory.keys()].sort();
    const out: string[] = [];
    const walk = (dir: string, rel: string[]): void => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (e.name.includes('.tmp-')) continue;
        if (e.isDirectory()) walk(path.join(dir, e.name), [...rel, e.name]);
        else if (e.isFile()) out.push([...rel, e.name].join('/'));
      }
    };
    walk(root, []);
    return out.sort();
  }

  const sign = (cloudPath: string, expires: number): string =>
    createHmac('sha256', secret).update(`${cloudPath}\n${expires}`).digest('hex');

  function tempUrl(cloudPath: string, maxAgeSec: number): string {
    const expires = Math.floor(opts.clock.now() / 1000) + maxAgeSec;
    // The path stays raw: node-sdk's downloadFile applies encodeURI to the URL itself.
    return `${opts.baseUrl()}/storage/file/${cloudPath}?t=${expires}&sign=${sign(cloudPath, expires)}`;
  }

  function fileList(p: Record<string, unknown>, field: string): unknown[] {
    const v = p[field];
    if (!Array.isArray(v) || !v.length) throw invalidParam(`${field} must be a non-empty array`);
    if (v.length > 50) throw invalidParam(`${field} holds at most 50 files`);
    return v;
  }

  async function handle(p: Record<string, unknown>): Promise<unknown> {
    switch (p.action) {
      case 'storage.getUploadMetadata': {
        const cloudPath = checkCloudPath(p.path);
        const token = randomBytes(16).toString('hex');
        uploads.set(token, { cloudPath, until: opts.clock.now() + UPLOAD_TTL_MS });
        const url = `${opts.baseUrl()}/storage/upload?token=${token}`;
        return { url, token, authorization: `local ${token}`, fileId: fileId(cloudPath), cosFileId: token, download_url: url };
      }
      case 'storage.batchGetDownloadUrl': {
        const download_list = fileList(p, 'file_list').map((item) => {
          const o = (item ?? {}) as { fileid?: unknown; max_age?: unknown };
          const id = typeof o.fileid === 'string' ? o.fileid : '';
          const maxAge = typeof o.max_age === 'number' && o.max_age > 0 ? Math.floor(o.max_age) : DEFAULT_MAX_AGE_SEC;
          const cloudPath = pathOf(id);
          if (!cloudPath || !get(cloudPath)) return { fileID: id, tempFileURL: '', code: 'STORAGE_FILE_NONEXIST', maxAge };
          return { fileID: id, tempFileURL: tempUrl(cloudPath, maxAge), code: 'SUCCESS', maxAge };
        });
        return { download_list };
      }
      case 'storage.batchDeleteFile': {
        const delete_list = fileList(p, 'fileid_list').map((id) => {
          const cloudPath = typeof id === 'string' ? pathOf(id) : undefined;
          const ok = cloudPath !== undefined && remove(cloudPath);
          if (ok) log(`storage: deleted ${cloudPath}`);
          return { fileID: id, code: ok ? 'SUCCESS' : 'STORAGE_FILE_NONEXIST' };
        });
        return { delete_list };
      }
      default:
        throw new AdminError('INVALID_ACTION', `unsupported storage action "${String(p.action)}" in the local emulator (supported: ${STORAGE_ACTIONS.join(', ')})`);
    }
  }

  /** A COS-style XML error (node-sdk's uploadFile parses it; downloadFile reports the status). */
  function cosError(res: ServerResponse, status: number, code: string, message: string): void {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>local</RequestId><TraceId>local</TraceId></Error>`;
    res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(xml) });
    res.end(xml);
  }

  async function readAll(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  async function handleHttp(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const method = req.method ?? 'GET';
    if (url.pathname === '/storage/upload' && (method === 'PUT' || method === 'POST')) {
      const token = url.searchParams.get('token') ?? '';
      const up = uploads.get(token);
      const body = await readAll(req);
      let given = req.headers['x-cos-security-token'];
      let data = body;
      const type = req.headers['content-type'] ?? '';
      if (type.startsWith('multipart/form-data')) {
        // node-sdk 2.x: a COS "POST object" form (Signature, x-cos-security-token, x-cos-meta-fileid, key, file).
        try {
          const form = parseMultipart(body, type);
          given = form.get('x-cos-security-token')?.data.toString('utf8');
          data = form.get('file')?.data ?? Buffer.alloc(0);
        } catch (err) {
          cosError(res, 400, 'MalformedPOSTRequest', (err as Error).message);
          return true;
        }
      }
      if (!up || given !== token || up.until < opts.clock.now()) {
        uploads.delete(token);
        cosError(res, 403, 'AccessDenied', 'Request has expired or the upload token is unknown');
        return true;
      }
      uploads.delete(token);
      put(up.cloudPath, data);
      log(`storage: uploaded ${up.cloudPath} (${data.length} bytes)`);
      res.writeHead(200, { 'content-length': 0, etag: `"${createHash('md5').update(data).digest('hex')}"` });
      res.end();
      return true;
    }
    if (url.pathname.startsWith('/storage/file/') && (method === 'GET' || method === 'HEAD')) {
      let cloudPath: string;
      try {
        cloudPath = decodeURIComponent(url.pathname.slice('/storage/file/'.length));
      } catch {
        cosError(res, 400, 'InvalidURI', 'Could not parse the specified URI');
        return true;
      }
      const expires = Number(url.searchParams.get('t'));
      const given = Buffer.from(url.searchParams.get('sign') ?? '', 'utf8');
      const want = Buffer.from(sign(cloudPath, expires), 'utf8');
      if (!Number.isFinite(expires) || given.length !== want.length || !timingSafeEqual(given, want)) {
        cosError(res, 403, 'AccessDenied', 'Access Denied.');
        return true;
      }
      if (expires * 1000 < opts.clock.now()) {
        cosError(res, 403, 'AccessDenied', 'Request has expired');
        return true;
      }
      const data = get(cloudPath);
      if (!data) {
        cosError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
        return true;
      }
      res.writeHead(200, { 'content-type': mime.lookup(cloudPath) || 'application/octet-stream', 'content-length': data.length });
      res.end(method === 'HEAD' ? undefined : data);
      return true;
    }
    return false;
  }

  return {
    handle,
    handleHttp,
    list: () =>
      paths().map((p) => ({ fileID: fileId(p), cloudPath: p, size: get(p)?.length ?? 0, contentType: mime.lookup(p) || 'application/octet-stream' })),
    read(idOrPath) {
      const p = pathOf(idOrPath);
      return p === undefined ? undefined : get(p);
    },
    fileId,
    reset() {
      uploads.clear();
      memory.clear();
      if (root) fs.rmSync(root, { recursive: true, force: true });
    },
    stats() {
      const files = paths();
      return { files: files.length, bytes: files.reduce((n, p) => n + (get(p)?.length ?? 0), 0) };
    },
  };
}
