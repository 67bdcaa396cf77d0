// Test support (mini program): loads the built app.js with a stub App() and returns its options, so tests can drive
// onLaunch / onShow as WeChat does when a message opens the mini program (miniprogram-simulate loads pages only).
import * as path from 'path';
import { buildMiniprogram } from './build';

export interface AppOptions {
  onLaunch?: (o?: unknown) => void;
  onShow?: (o: { path?: string; query?: Record<string, string>; scene?: number }) => void;
}

export function loadApp(): AppOptions {
  const file = path.join(buildMiniprogram(), 'app.js');
  let captured: AppOptions | undefined;
  (globalThis as unknown as { App: (o: AppOptions) => void }).App = (o) => {
    captured = o;
  };
  jest.isolateModules(() => {
    require(file);
  });
  if (!captured) throw new Error('app.js did not call App()');
  return captured;
}
