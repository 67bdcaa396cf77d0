// Emulator runner: a function whose module throws while loading fails each invocation with that error, and the
// emulator keeps serving.
import { useEmulator } from '../../support/emulator';

const h = useEmulator({ fixtures: ['broken', 'whoami'] });

it('a module that throws at load fails the invocation with the load error, every time', async () => {
  for (let i = 0; i < 2; i++) {
    const r = await h.emu.callRaw('broken', {}, { openid: 'o-dev' });
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe('FUNCTION_ERROR');
    expect(r.error?.message).toMatch(/JSON/);
  }
  expect((await h.emu.callRaw('whoami', {}, { openid: 'o-dev' })).ok).toBe(true);
});
