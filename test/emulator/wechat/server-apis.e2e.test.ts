// Tests (WeChat simulator): the server APIs beyond subscription messages, through the real wx-server-sdk —
// security.msgSecCheck (deterministic local rules), wxacode.getUnlimited / createQRCode / get (real PNGs), and -604100.
import { type Env, sdkFailure, startEnv } from './setup';

let env: Env;
beforeAll(async () => {
  env = await startEnv();
});
afterAll(async () => {
  await env.close();
});
beforeEach(() => {
  env.sim.reset();
  process.env.WX_API_TOKEN = 'fake-wx-api-token';
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const openapi = (): any => env.cloud.openapi;

/** Width and height from a PNG's IHDR chunk (after the 8-byte signature and the chunk's length and type). */
function pngSize(buf: Buffer): { width: number; height: number } {
  expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(buf.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

describe('security.msgSecCheck', () => {
  it('version 1 passes ordinary text and answers 87014 for a risky keyword', async () => {
    await expect(openapi().security.msgSecCheck({ content: '周末一起去图书馆读书吧' })).resolves.toMatchObject({ errCode: 0 });
    const err = await sdkFailure(openapi().security.msgSecCheck({ content: '这里有敏感词' }));
    expect(err).toMatchObject({ errCode: 87014 });
    expect(err.errMsg).toContain('risky content');
  });

  it('version 2 answers suggest and label for pass, risky and review, with a trace id', async () => {
    const check = (content: string) => openapi().security.msgSecCheck({ content, version: 2, scene: 2, openid: 'o-alice' });
    expect(await check('今天天气不错')).toMatchObject({ errCode: 0, result: { suggest: 'pass', label: 100 }, traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(await check('来赌博吧')).toMatchObject({ result: { suggest: 'risky', label: 20006 }, detail: [{ strategy: 'content_model', keyword: '赌博' }] });
    expect(await check('有事加微信')).toMatchObject({ result: { suggest: 'review', label: 10001 } });
  });

  it('version 2 without an openid is refused with 40003', async () => {
    expect((await sdkFailure(openapi().security.msgSecCheck({ content: 'x', version: 2, scene: 1 }))).errCode).toBe(40003);
  });

  it('its rules are configurable', async () => {
    env.sim.setPolicy({ secCheckRules: [{ keyword: 'Spoiler', label: 21000, suggest: 'risky' }] });
    expect((await sdkFailure(openapi().security.msgSecCheck({ content: 'no spoilers please' }))).errCode).toBe(87014);
    await expect(openapi().security.msgSecCheck({ content: '这里有敏感词' })).resolves.toMatchObject({ errCode: 0 });
  });
});

describe('wxacode', () => {
  it('getUnlimited answers a PNG of the requested width', async () => {
    const res = await openapi().wxacode.getUnlimited({ scene: 'evt=42', page: 'pages/index/index', width: 300 });
    expect(res.contentType).toBe('image/png');
    expect(pngSize(res.buffer)).toEqual({ width: 300, height: 300 });
  });

  it('getUnlimited refuses a page the mini program does not have (41030) unless checkPath is false', async () => {
    expect((await sdkFailure(openapi().wxacode.getUnlimited({ scene: 'a=1', page: 'pages/nope/nope' }))).errCode).toBe(41030);
    const res = await openapi().wxacode.getUnlimited({ scene: 'a=1', page: 'pages/nope/nope', checkPath: false });
    expect(pngSize(res.buffer).width).toBe(430);
  });

  it('getUnlimited refuses a scene longer than 32 characters (40169)', async () => {
    expect((await sdkFailure(openapi().wxacode.getUnlimited({ scene: 'x'.repeat(33) }))).errCode).toBe(40169);
  });

  it('createQRCode and get answer PNGs; a path over 128 bytes is 40159', async () => {
    expect(pngSize((await openapi().wxacode.createQRCode({ path: 'pages/index/index?id=1', width: 280 })).buffer).width).toBe(280);
    expect(pngSize((await openapi().wxacode.get({ path: 'pages/me/me' })).buffer).width).toBe(430);
    expect((await sdkFailure(openapi().wxacode.createQRCode({ path: 'p'.repeat(129) }))).errCode).toBe(40159);
  });
});

it('an API the emulator does not support answers -604100 naming the API', async () => {
  const err = await sdkFailure(openapi().ocr.bankcard({ imgUrl: 'https://example.invalid/card.jpg' }));
  expect(err.errCode).toBe(-604100);
  expect(err.errMsg).toContain('ocr.bankcard');
});
