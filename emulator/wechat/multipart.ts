// Emulator layer (WeChat simulator): a byte-exact multipart/form-data parser for the SDK's `wx.openApi` requests.
// Why not `new Response(body, {headers}).formData()`: the SDK's `requestData` part has `Content-Type:
// application/octet-stream` but no `filename`, so undici returns it as a UTF-8 *string* and the protobuf bytes are
// corrupted (U+FFFD). Verified against wx-server-sdk 4.0.2 / node-sdk 3.17.2 (form-data package) on Node 20.

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** Parses a multipart/form-data body; throws on a missing boundary. Parts keep their raw bytes. */
export function parseMultipart(body: Buffer, contentType: string): MultipartPart[] {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2]?.trim();
  if (!boundary) throw new Error('multipart: no boundary in content-type');
  const delim = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let pos = body.indexOf(delim);
  while (pos !== -1) {
    let start = pos + delim.length;
    if (body.subarray(start, start + 2).toString() === '--') break; // closing delimiter
    if (body.subarray(start, start + 2).toString() === '\r\n') start += 2;
    const next = body.indexOf(delim, start);
    if (next === -1) break;
    // The part ends before the CRLF that precedes the next delimiter.
    const end = body.subarray(next - 2, next).toString() === '\r\n' ? next - 2 : next;
    const headerEnd = body.indexOf('\r\n\r\n', start);
    if (headerEnd !== -1 && headerEnd < end) {
      const headers = body.subarray(start, headerEnd).toString('utf8');
      const name = /name="([^"]*)"/i.exec(headers)?.[1];
      if (name !== undefined) {
        const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
        const ct = /^content-type:\s*(.+)$/im.exec(headers)?.[1]?.trim();
        parts.push({
          name,
          ...(filename !== undefined ? { filename } : {}),
          ...(ct !== undefined ? { contentType: ct } : {}),
          data: Buffer.from(body.subarray(headerEnd + 4, end)),
        });
      }
    }
    pos = next;
  }
  return parts;
}

/** Fields of a parsed form: first part per name. */
export function multipartFields(parts: readonly MultipartPart[]): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const p of parts) if (!out.has(p.name)) out.set(p.name, p.data);
  return out;
}
