// End to end, property (fast-check; emulator + real wx-server-sdk): random JSON events — huge strings, deep nesting,
// prototype keys, $-operators, wrong types, non-objects — against the public actions of every function a client can
// call. Each answer is an envelope; an error answer is at most 4 KiB; a refused event wrote nothing.
import fc from 'fast-check';
import { useEmulator, type Emulator } from '../support/emulator';

const h = useEmulator();

const FUNCTIONS: { fn: string; openid: string; actions: string[] }[] = [
  { fn: 'hello', openid: 'o-fuzz', actions: ['hello'] },
  { fn: 'subscriptions', openid: 'o-fuzz', actions: ['record', 'list', 'syncSettings', 'revoke', 'deleteMyData'] },
  { fn: 'reminders', openid: 'o-fuzz', actions: ['listEvents', 'create', 'list', 'cancel'] },
  { fn: 'track', openid: 'o-fuzz', actions: ['open'] },
  { fn: 'subscriptionEvents', openid: 'o-fuzz', actions: [] },
  // Admin functions, called as an admin so that events reach their schemas.
  { fn: 'campaigns', openid: 'o-admin', actions: ['list', 'get', 'create', 'update', 'schedule', 'pause', 'resume', 'cancel', 'previewAudience', 'testSend', 'stats'] },
  { fn: 'templates', openid: 'o-admin', actions: ['list', 'preview', 'testSend'] },
];

const FIELDS = ['data', 'date', 'id', 'eventId', 'reminderId', 'deliveryId', 'requestId', 'placement', 'tmplIds', 'result', 'templateId', 'patch', 'page', 'name', 'audience', 'confirm', 'mainSwitch', 'itemSettings', 'userInfo', 'Event', 'MsgType', 'List', 'FromUserName'];
const NASTY_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '$where', '$set', '$inc', '', 'a.b', 'thing1'];

const key = fc.oneof(fc.constantFrom(...FIELDS), fc.constantFrom(...NASTY_KEYS), fc.string({ maxLength: 8 }));
const leaf = fc.oneof(
  { weight: 6, arbitrary: fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null)) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 100_000 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.constantFrom('{{attributes.__proto__}}', '2026-02-30T00:00:00Z', '0099-06-01T00:00:00Z', 'pages/nope/nope', 'bogus') },
);
const deep = fc.integer({ min: 30, max: 80 }).map((n) => {
  let v: unknown = 'x';
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { a: v };
  return v;
});
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    deep,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
}));
const manyKeys = fc.integer({ min: 5_000, max: 30_000 }).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])));

function eventFor(actions: string[]) {
  const action = fc.oneof(
    { weight: 4, arbitrary: actions.length ? fc.constantFrom(...actions) : fc.constant('x') },
    { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 30 }), fc.constant(undefined), value) },
  );
  const object = fc.tuple(action, fc.dictionary(key, value, { maxKeys: 6 }), fc.option(manyKeys, { freq: 8 })).map(([a, payload, many]) => {
    // As JSON: an own "__proto__" key survives, as it does on the wire.
    const body = JSON.parse(JSON.stringify({ ...(many ?? {}), ...payload })) as Record<string, unknown>;
    if (a !== undefined) body.action = a;
    return body;
  });
  return fc.oneof({ weight: 8, arbitrary: object }, { weight: 1, arbitrary: fc.oneof(leaf, fc.array(value, { maxLength: 3 })) });
}

const snapshot = (emu: Emulator) => JSON.stringify(emu.db.exportSnapshot());

beforeAll(async () => {
  expect(await h.emu.call('setup', 'o-admin', { demo: true })).toMatchObject({ ok: true });
});

describe.each(FUNCTIONS)('$fn under random events', ({ fn, openid, actions }) => {
  it('answers an envelope, errors ≤ 4 KiB, and a refused event writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(eventFor(actions), async (event) => {
        const before = snapshot(h.emu);
        const r = await h.emu.callRaw(fn, event, { openid });
        expect(r.error?.code).toBeUndefined();
        const answer = r.result as { ok?: unknown; data?: unknown; error?: { code?: unknown; message?: unknown } };
        expect(typeof answer).toBe('object');
        // subscriptionEvents answers a non-subscription push with ok + ignored (WeChat retries anything else).
        expect(typeof answer.ok).toBe('boolean');
        if (answer.ok === false) {
          expect(typeof answer.error?.code).toBe('string');
          expect(typeof answer.error?.message).toBe('string');
          expect(answer.error?.code).not.toBe('INTERNAL');
          expect(JSON.stringify(answer).length).toBeLessThanOrEqual(4096);
          if (answer.error?.code !== 'RATE_LIMITED') expect(snapshot(h.emu)).toBe(before);
        }
      }),
      { numRuns: 15, seed: 20261130, endOnFailure: true },
    );
  });
});
