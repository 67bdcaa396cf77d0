// End to end (scripts/bench.ts): `npm run bench` at a tiny size still runs every scenario and prints every figure the
// README and core/dispatch/README.md quote — so the bench cannot rot between the runs that produce those figures.
// No timing is asserted (the machine is shared): only that each measure completed and reported its numbers.
import { execFile } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

jest.setTimeout(300_000);

it('runs the loop, the competent loop, the ceiling and the dispatcher at each latency, the idle day and the big audience', async () => {
  const out = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'bench.ts'), '--n', '300', '--big', '600', '--loop-sample', '10', '--latency', '20,40'],
      { cwd: ROOT, maxBuffer: 1 << 20, timeout: 280_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${String(err)}\n${stderr}`)) : resolve(stdout)));
  });
  expect(out).toMatch(/^tutorial loop +10 recipients +10 sent/m);
  expect(out).toMatch(/^competent parallel loop +300 recipients +300 sent/m);
  expect(out).toMatch(/^send-only ceiling \(4 runs × 50\) +300 recipients +300 sent/m);
  expect(out).toMatch(/^Tixing dispatcher +300 recipients +300 sent/m);
  expect(out).toMatch(/^Tixing dispatcher +600 recipients +600 sent/m);
  // Each latency of the list gets its own block of measures and its own verdicts.
  expect(out).toMatch(/^— WeChat answering in 20 ms —$/m);
  expect(out).toMatch(/^— WeChat answering in 40 ms —$/m);
  expect(out.match(/^Tixing dispatcher +300 recipients +300 sent/gm)).toHaveLength(2);
  expect(out).toMatch(/^at 20 ms:$/m);
  expect(out).toMatch(/^at 40 ms:$/m);
  expect(out.match(/dispatcher vs competent parallel loop: [\d.]+× \(target ≥ 3×\)/g)).toHaveLength(2);
  expect(out).toMatch(/ceiling on this machine .*: \d+ msg\/s; the dispatcher reaches [\d.]+ of it/);
  expect(out).toMatch(/latency bound: .* dispatcher reaches [\d.]+ of it/);
  expect(out).toMatch(/per 10,000 messages — dispatcher: \d+ reads, \d+ writes/);
  expect(out).toMatch(/dispatcher requests per 10,000 messages, by action and collection: .*modifyDocument deliveries \d+/);
  expect(out).toMatch(/claims: the dispatcher's runs claimed 300 deliveries and lost \d+ candidates to another run's claim \(4 runs at the campaign's start/);
  expect(out).toMatch(/idle cost: \d+ database requests a day/);
  expect(out).toMatch(/time per batch of 100 \(at 20 ms\): \d+ ms at 300 vs \d+ ms at 600/);
  expect(out).toMatch(/600 recipients: whole campaign [\d.]+ min \(\d+ runs\), seeding \d+ s, emulator peak memory [\d.]+ GiB rss/);
  expect(out).toMatch(/600 recipients: campaign counters targeted 600, sent \d+, skipped 0, failed 0, unknown \d+; WeChat delivered 600; runs by outcome: ok \d+/);
});
