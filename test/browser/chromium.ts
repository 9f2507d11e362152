import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'puppeteer-core';

/** Debian's chromium, or `REPRISE_CHROMIUM`; `undefined` with the reason when absent. */
export function chromiumPath(): { path?: string; skip?: string } {
  const p = process.env.REPRISE_CHROMIUM ?? '/usr/bin/chromium';
  if (fs.existsSync(p)) return { path: p };
  return { skip: `no Chromium at ${p} (apt-get install -y chromium, or set REPRISE_CHROMIUM); the browser tests are skipped` };
}

/** A static server on 127.0.0.1:0 for `files` (URL path → content). */
export async function serve(files: Record<string, string | Uint8Array>): Promise<{ url: string; close(): Promise<void> }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.bin': 'application/octet-stream', '.json': 'application/json' };
  const server = http.createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://x').pathname];
    if (file === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[path.extname(req.url ?? '')] ?? 'text/html', 'cache-control': 'no-store' }).end(file);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Headless Chromium with a fresh profile, no network beyond what the page asks of 127.0.0.1. */
export async function launchChromium(executablePath: string): Promise<{ browser: Browser; close(): Promise<void> }> {
  const { launch } = await import('puppeteer-core');
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-chromium-'));
  const browser = await launch({
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      // No GPU here: WebGL through SwiftShader, a software GL, so tfjs's webgl backend can start.
      '--use-gl=angle',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${userDataDir}`,
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
