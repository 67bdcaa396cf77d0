// Emulator server: a minimal multipart/form-data parser for `wx.openApi` bodies. Not `Response.formData()`: the
// SDK's form-data parts carry no filename, so undici would decode the binary `requestData` as UTF-8 and corrupt it.

export interface Part {
  name: string;
  data: Buffer;
  contentType?: string;
  filename?: string;
}

export class MultipartError extends Error {}

export function parseMultipart(body: Buffer, contentType: string): Map<string, Part> {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) throw new MultipartError('multipart body without a boundary');
  const delimiter = Buffer.from(`--${boundary}`);
  const parts = new Map<string, Part>();
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new MultipartError('multipart boundary not found in the body');
  for (;;) {
    pos += delimiter.length;
    if (body.subarray(pos, pos + 2).toString() === '--') break; // closing delimiter
    if (body.subarray(pos, pos + 2).toString() === '\r\n') pos += 2;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) throw new MultipartError('multipart part without headers');
    const next = body.indexOf(delimiter, headerEnd + 4);
    if (next < 0) throw new MultipartError('multipart body is truncated (no closing boundary)');
    const headers = body.subarray(pos, headerEnd).toString('utf8').split('\r\n');
    // Part data ends with CRLF before the next delimiter.
    const data = body.subarray(headerEnd + 4, next - 2);
    let name: string | undefined;
    const part: Omit<Part, 'name'> = { data };
    for (const h of headers) {
      const [key, ...rest] = h.split(':');
      const value = rest.join(':').trim();
      if (key?.toLowerCase() === 'content-disposition') {
        name = /\bname="([^"]*)"/i.exec(value)?.[1];
        const fn = /\bfilename="([^"]*)"/i.exec(value)?.[1];
        if (fn !== undefined) part.filename = fn;
      } else if (key?.toLowerCase() === 'content-type') {
        part.contentType = value;
      }
    }
    if (name !== undefined) parts.set(name, { name, ...part });
    pos = next;
  }
  return parts;
}
