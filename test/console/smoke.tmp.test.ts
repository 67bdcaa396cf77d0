import { launchBrowser } from '../support/browser';
import { useEmulator } from '../support/emulator';
const h = useEmulator();
it('smoke', async () => {
  await h.emu.call('setup', 'o-admin', { demo: true });
  h.emu.requestSubscribe('o-alice', ['TPL_EVENT_REMINDER'], { TPL_EVENT_REMINDER: 'accept' });
  const b = await launchBrowser();
  const errors: string[] = [];
  b.page.on('pageerror', (e) => errors.push(String(e)));
  b.page.on('console', (m) => errors.push(`console ${m.type()}: ${m.text()}`));
  for (const tab of ['overview', 'database', 'wechat', 'invocations', 'campaigns']) {
    await b.page.goto(`${h.emu.url}/#${tab}`);
    await b.page.waitForTimeout(1200);
    await b.page.screenshot({ path: `/tmp/w11/${tab}.png`, fullPage: true });
  }
  await b.close();
  console.log(errors.join('\n'));
});
