// Tests (WeChat simulator): protobuf codec, multipart parser, and direct handleOpenApi edge cases (no SDK).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClock } from '../../../emulator/clock';
import { AdminError } from '../../../emulator/contracts';
import { createWechatSimulator } from '../../../emulator/wechat';
import { decodeCommApiData, decodeCommOpenApiResp, encodeCommApiData } from '../../../emulator/wechat/codec';
import { multipartFields, parseMultipart } from '../../../emulator/wechat/multipart';

const sim = createWechatSimulator({ clock: createClock(0), appJsonPath: join(mkdtempSync(join(tmpdir(), 'tx-')), 'missing.json') });
const ctx = { envName: 'tixing-local', requestId: 'r1' };
afterAll(() => sim.reset());

test('CommApiData round trip: pairs are JSON-decoded, appid kept', () => {
  const bytes = encodeCommApiData({ touser: 'o-a', data: { thing1: { value: '中文' } }, n: 3 }, 'wx0000000000000000');
  expect(decodeCommApiData(bytes)).toEqual({
    apiType: 0,
    appid: 'wx0000000000000000',
    params: { touser: 'o-a', data: { thing1: { value: '中文' } }, n: 3 },
  });
});

test('multipart parser keeps binary parts byte-exact (CR, LF, invalid UTF-8 inside)', () => {
  const bin = Buffer.from([0x0a, 0x0d, 0x0a, 0xff, 0xfe, 0x2d, 0x2d, 0x00, 0xe4, 0xb8]);
  const b = '----X1';
  const body = Buffer.concat([
    Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="action"\r\n\r\nwx.openApi\r\n`),
    Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="requestData"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    bin,
    Buffer.from(`\r\n--${b}\r\nContent-Disposition: form-data; name="empty"\r\n\r\n\r\n--${b}--\r\n`),
  ]);
  const parts = parseMultipart(body, `multipart/form-data; boundary=${b}`);
  expect(parts.map((p) => [p.name, p.contentType])).toEqual([['action', undefined], ['requestData', 'application/octet-stream'], ['empty', undefined]]);
  const fields = multipartFields(parts);
  expect(fields.get('requestData')?.equals(bin)).toBe(true);
  expect(fields.get('action')?.toString()).toBe('wx.openApi');
  expect(fields.get('empty')?.length).toBe(0);
  expect(() => parseMultipart(body, 'multipart/form-data')).toThrow(/boundary/);
});

test('no token → AdminError INVALID_PARAM; undecodable requestData → AdminError INVALID_PARAM', async () => {
  const req = { apiName: 'subscribeMessage.getTemplateList', requestData: encodeCommApiData({}) };
  await expect(sim.handleOpenApi(req, ctx)).rejects.toMatchObject({ name: 'AdminError', code: 'INVALID_PARAM', message: 'missing wxCloudApiToken' });
  await expect(sim.handleOpenApi({ ...req, requestData: Buffer.from([0xff, 0xff, 0xff]), wxCloudApiToken: 't' }, ctx)).rejects.toBeInstanceOf(AdminError);
});

test('answers are CommOpenApiResp: JSON body for WeChat answers and unknown APIs, errorCode for gateway errors', async () => {
  const ok = decodeCommOpenApiResp(await sim.handleOpenApi({ apiName: 'subscribeMessage.getCategory', requestData: encodeCommApiData({}), wxCloudApiToken: 't' }, ctx));
  expect(ok.errorCode).toBe(0);
  expect(ok.contentType).toMatch(/^application\/json/);
  expect(JSON.parse(ok.respData.toString())).toMatchObject({ errcode: 0, errmsg: 'ok', data: expect.any(Array) });
  const nf = decodeCommOpenApiResp(await sim.handleOpenApi({ apiName: 'ocr.idcard', requestData: encodeCommApiData({}), wxCloudApiToken: 't' }, ctx));
  expect(JSON.parse(nf.respData.toString())).toMatchObject({ errcode: -604100, errmsg: expect.stringContaining('ocr.idcard') });
  const denied = { ...ctx, invocation: { id: 'i', fn: 'f', source: 'wx_client', openapiPermissions: [] } };
  const gw = decodeCommOpenApiResp(await sim.handleOpenApi({ apiName: 'subscribeMessage.getCategory', requestData: encodeCommApiData({}), wxCloudApiToken: 't' }, denied));
  expect(gw).toMatchObject({ errorCode: -604101 });
});

test('a missing app.json makes every page unknown (41030), with a log line', async () => {
  const lines: string[] = [];
  const s = createWechatSimulator({ clock: createClock(0), appJsonPath: '/nonexistent/app.json', log: (l) => lines.push(l) });
  s.setQuota('o-a', 'TPL_NEW_ARRIVAL', 1);
  const data = { thing1: { value: '风衣' }, date2: { value: '2019-10-01' }, thing3: { value: '限量' } };
  const out = decodeCommOpenApiResp(
    await s.handleOpenApi({ apiName: 'subscribeMessage.send', requestData: encodeCommApiData({ touser: 'o-a', template_id: 'TPL_NEW_ARRIVAL', page: 'pages/index/index', data }), wxCloudApiToken: 't' }, ctx),
  );
  expect(JSON.parse(out.respData.toString()).errcode).toBe(41030);
  expect(lines.some((l) => l.includes('cannot read app.json'))).toBe(true);
});
