// Emulator layer (WeChat simulator): protobuf codec of the `wx.openApi` payloads wx-server-sdk 4.0.2 exchanges.
// Field numbers/types copied from the SDK's static code (node_modules/wx-server-sdk/index.js "./src/protobuf/openapi.js":
// KeyValuePair.encode, OpenApiData.encode, CommApiData.encode, CommOpenApiResp.encode, HttpHeader.encode). [SDK-SRC]
// The SDK's own definitions live inside its webpack bundle and are not requireable, so they are declared here.
import * as protobuf from 'protobufjs';

const PROTO = `
syntax = "proto3";
message KeyValuePair { string key = 1; bytes value = 2; string contenttype = 3; string filename = 4; }
message OpenApiData { repeated KeyValuePair pairs = 1; }
message CommApiData { int32 apiType = 1; OpenApiData openapiData = 2; string appid = 6; }
message HttpHeader { string key = 1; string value = 2; }
message CommOpenApiResp {
  bytes respData = 1; string contentType = 2; int32 errorCode = 3; uint32 httpCode = 4;
  repeated HttpHeader headers = 5; int32 svrkitErrorCode = 6;
}
`;

const root = protobuf.parse(PROTO, { keepCase: true }).root;
const CommApiData = root.lookupType('CommApiData');
const CommOpenApiResp = root.lookupType('CommOpenApiResp');

/** MIME type of the HTTP body carrying a CommOpenApiResp. It must not be `application/json; charset=utf-8`:
 * node-sdk JSON-parses wx.openApi bodies with exactly that type (tcbapirequester.ts handleWxOpenApiData). */
export const OPENAPI_RESPONSE_CONTENT_TYPE = 'application/octet-stream';

export interface DecodedOpenApiCall {
  apiType: number;
  appid: string;
  /** Each pair's value JSON-parsed (the SDK sends JSONBigInt.stringify(value)); media pairs keep their raw bytes. */
  params: Record<string, unknown>;
}

export class OpenApiDecodeError extends Error {}

export function decodeCommApiData(bytes: Uint8Array): DecodedOpenApiCall {
  let msg: Record<string, unknown>;
  try {
    msg = CommApiData.toObject(CommApiData.decode(bytes), { defaults: true }) as Record<string, unknown>;
  } catch {
    throw new OpenApiDecodeError('requestData is not a CommApiData');
  }
  const pairs = ((msg.openapiData as { pairs?: unknown[] } | undefined)?.pairs ?? []) as {
    key: string;
    value: Uint8Array;
    contenttype?: string;
  }[];
  const params: Record<string, unknown> = {};
  for (const p of pairs) {
    const raw = Buffer.from(p.value ?? []);
    if (p.contenttype) {
      params[p.key] = { contentType: p.contenttype, value: raw };
      continue;
    }
    try {
      params[p.key] = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new OpenApiDecodeError(`pair ${p.key} is not JSON`);
    }
  }
  return { apiType: Number(msg.apiType ?? 0), appid: String(msg.appid ?? ''), params };
}

/** A WeChat answer: JSON body (errcode/errmsg + fields), which the SDK parses because of contentType application/json. */
export function encodeWechatJson(body: Record<string, unknown>): Buffer {
  const msg = CommOpenApiResp.fromObject({
    respData: Buffer.from(JSON.stringify(body), 'utf8'),
    contentType: 'application/json; charset=utf-8',
    errorCode: 0,
    httpCode: 200,
    headers: [],
  });
  return Buffer.from(CommOpenApiResp.encode(msg).finish());
}

/** A binary answer (an image): the SDK returns `{ contentType, buffer }` for a contentType that is not JSON or text. */
export function encodeWechatBuffer(data: Buffer, contentType: string): Buffer {
  const msg = CommOpenApiResp.fromObject({ respData: data, contentType, errorCode: 0, httpCode: 200, headers: [] });
  return Buffer.from(CommOpenApiResp.encode(msg).finish());
}

/**
 * A cloud-call gateway error (CommOpenApiResp.errorCode ≠ 0): the SDK throws CloudSDKError{errCode: errorCode,
 * errMsg: "system error: error code: <code>"} (callWXOpenAPI.ts). Used for -604100 and -604101. [SDK-SRC]
 */
export function encodeGatewayError(errorCode: number): Buffer {
  const msg = CommOpenApiResp.fromObject({ errorCode, httpCode: 200 });
  return Buffer.from(CommOpenApiResp.encode(msg).finish());
}

/** Test helper: what the SDK reads out of our answer. */
export function decodeCommOpenApiResp(bytes: Uint8Array): { respData: Buffer; contentType: string; errorCode: number } {
  const o = CommOpenApiResp.toObject(CommOpenApiResp.decode(bytes), { defaults: true }) as Record<string, unknown>;
  return {
    respData: Buffer.from((o.respData as Uint8Array | undefined) ?? []),
    contentType: String(o.contentType ?? ''),
    errorCode: Number(o.errorCode ?? 0),
  };
}

/** Test helper: a CommApiData like wx-server-sdk builds it (keys as given, values JSON-stringified). */
export function encodeCommApiData(params: Record<string, unknown>, appid = ''): Buffer {
  const pairs = Object.entries(params).map(([key, v]) => ({ key, value: Buffer.from(JSON.stringify(v), 'utf8') }));
  const msg = CommApiData.fromObject({ apiType: 0, openapiData: { pairs }, appid });
  return Buffer.from(CommApiData.encode(msg).finish());
}
