import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'puppeteer-core';
import { chromiumPath, launchChromium } from './chromium.js';

const chromium = chromiumPath();
const serveModule = new URL('../../../examples/browser/serve.mjs', import.meta.url).href;

interface Status {
  step: number;
  losses: number[];
  resumedFrom: number;
  done: boolean;
  error?: string;
}

describe('examples/browser: train, reload, resume in headless Chromium', { skip: chromium.skip }, () => {
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let server: { url: string; close(): Promise<void> };

  before(async () => {
    const { startExampleServer } = (await import(serveModule)) as { startExampleServer(): Promise<typeof server> };
    server = await startExampleServer();
    const launched = await launchChromium(chromium.path!);
    browser = launched.browser;
    closeBrowser = launched.close;
  });

  after(async () => {
    await closeBrowser?.();
    await server?.close();
  });

  async function status(page: import('puppeteer-core').Page): Promise<Status> {
    const s = (await page.evaluate('window.training')) as Status;
    if (s?.error) throw new Error(`page failed: ${s.error}`);
    return s;
  }

  it('a run reloaded in the middle resumes from its last IndexedDB checkpoint and reaches the losses of a run never reloaded', async () => {
    const page = await browser.newPage();
    const query = 'steps=30&every=5&delay=40';
    await page.goto(`${server.url}?db=straight&${query}`);
    await page.waitForFunction('window.training && (window.training.done || window.training.error)', { timeout: 60_000 });
    const straight = await status(page);
    assert.equal(straight.resumedFrom, 0);
    assert.equal(straight.losses.length, 30);

    await page.goto(`${server.url}?db=reloaded&${query}`);
    await page.waitForFunction('window.training && (window.training.step >= 12 || window.training.error)', { timeout: 60_000 });
    await status(page);
    await page.reload();
    await page.waitForFunction('window.training && (window.training.done || window.training.error)', { timeout: 60_000 });
    const resumed = await status(page);
    assert.ok(resumed.resumedFrom >= 10 && resumed.resumedFrom < 30 && resumed.resumedFrom % 5 === 0, `resumed from ${resumed.resumedFrom}`);
    assert.deepEqual(resumed.losses, straight.losses, 'bit-identical losses after the reload');
    await page.close();
  });
});
