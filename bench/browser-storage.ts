/**
 * `node dist/bench/browser-storage.js [MiB] [reps] [indexeddb,opfs]`: stores and loads one checkpoint of
 * MiB (default 200) megabytes in headless Chromium through IndexedDBCheckpointStorage
 * and through the Origin Private File System (`createWritable`, whose close() moves a
 * swap file into place: whole or nothing), in the page's main thread, and prints the
 * times. What it decided: see README, "The IndexedDB storage".
 */
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import { chromiumPath, launchChromium, serve } from '../test/browser/chromium.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const mib = Number(process.argv[2] ?? 200);
const reps = Number(process.argv[3] ?? 3);
const which = process.argv[4]?.split(',') ?? ['indexeddb', 'opfs'];

const chromium = chromiumPath();
if (!chromium.path) {
  process.stdout.write(`skipped: ${chromium.skip}\n`);
  process.exit(0);
}
const built = await esbuild.build({
  entryPoints: [fileURLToPath(new URL('../../bench/browser/storage-page.js', import.meta.url))],
  bundle: true, platform: 'browser', format: 'esm', target: 'es2022', write: false, logLevel: 'silent', absWorkingDir: root,
});
const server = await serve({
  '/': '<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>',
  '/page.js': built.outputFiles[0]!.contents,
});
const { browser, close } = await launchChromium(chromium.path);
try {
  const page = await browser.newPage();
  await page.goto(server.url + '/');
  await page.waitForFunction('window.ready === true');
  const out = (await page.evaluate(`window.bench(${mib * 1024 * 1024}, ${reps}, ${JSON.stringify(which)})`)) as {
    rows: Record<string, { store: number[]; load: number[]; ok: boolean }>; quota: number;
  };
  const ms = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(' / ');
  const best = (xs: number[]) => Math.min(...xs);
  process.stdout.write(`${mib} MiB checkpoint, ${reps} runs each, headless Chromium (quota ${(out.quota / 2 ** 30).toFixed(1)} GiB)\n`);
  for (const [name, r] of Object.entries(out.rows)) {
    process.stdout.write(
      `${name.padEnd(9)} store ${ms(r.store)} ms (best ${((mib / best(r.store)) * 1000).toFixed(0)} MiB/s); load ${ms(r.load)} ms (best ${((mib / best(r.load)) * 1000).toFixed(0)} MiB/s); bytes equal: ${r.ok}\n`,
    );
  }
} finally {
  await close();
  await server.close();
}
