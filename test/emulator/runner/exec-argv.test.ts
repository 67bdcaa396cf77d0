// Unit (emulator/runner/env.ts workerExecArgv): function workers drop the host's module loaders and preloads (tsx
// under `npm start`) and keep its other Node options.
import { workerExecArgv } from '../../../emulator/runner/env';

it('drops --require/-r/--import/--loader in both spellings and keeps the rest', () => {
  expect(workerExecArgv([
    '--require', '/x/tsx/dist/preflight.cjs', '--import', 'file:///x/tsx/dist/loader.mjs', '--enable-source-maps',
    '-r', 'ts-node/register', '--loader=tsx', '--experimental-loader', 'x.mjs', '--import=tsx', '--stack-size=2000',
  ])).toEqual(['--enable-source-maps', '--stack-size=2000']);
  expect(workerExecArgv([])).toEqual([]);
});
