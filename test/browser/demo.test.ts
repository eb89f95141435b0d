import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import test from 'ava';
import { chromium } from 'playwright-core';
import { createEmbeddedStack } from '../../services/embedded/stack.ts';
import { MemoryLogger } from '../../shared/adapters/logging/json-logger.ts';

// Debian's chromium package (`.ci/run` installs it); playwright-core drives it, no browser download.
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const ci = process.env.CI === 'true';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

if (!existsSync(CHROMIUM) && !ci) {
  test.skip(`demo in a browser: skipped, ${CHROMIUM} is missing (apt-get install chromium)`, () => {});
} else {
  test('demo in a browser: pay → Processing, then succeeded live; fail → failed; history and notifications below', async (t) => {
    // under CI=true a missing browser is a failure, never a skip
    t.true(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium`);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const stack = await createEmbeddedStack({ baseUrl: base, logger: new MemoryLogger(), sandboxWebhookDelayMs: 800 });
    stack.start();
    const server = serve({ fetch: stack.app.fetch, port, hostname: '127.0.0.1' });
    const profile = await mkdtemp(join(tmpdir(), 'demo-chromium-'));
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 900, height: 1100 },
    });
    try {
      const page = browser.pages()[0] ?? (await browser.newPage());
      await page.goto(`${base}/`);
      t.is(await page.title(), 'Checkout demo · payments');
      const steps = () => page.locator('#steps li').allTextContents();

      // pay
      await page.getByLabel('Amount (₹)').fill('499');
      await page.getByRole('button', { name: 'Pay', exact: true }).click();
      const checkout = page.frameLocator('#checkout-frame');
      await checkout.getByRole('button', { name: /^Pay ₹499\.00$/ }).click();
      await page.locator('#status[data-status="succeeded"]').waitFor({ timeout: 20_000 });
      t.deepEqual(await steps(), ['Waiting for payment', 'Processing', 'Payment succeeded']);
      t.is(await page.locator('#status').textContent(), 'Payment succeeded');
      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'demo-succeeded.png'), fullPage: true });

      // fail
      await page.getByLabel('Amount (₹)').fill('250');
      await page.getByRole('button', { name: 'Pay', exact: true }).click();
      await page.frameLocator('#checkout-frame').getByRole('button', { name: 'Fail' }).click();
      await page.locator('#status[data-status="failed"]').waitFor({ timeout: 20_000 });
      t.deepEqual(await steps(), ['Waiting for payment', 'Payment failed']);

      // the history and the notifications follow
      await page.locator('#history tr').nth(1).waitFor();
      await page.locator('#notifications li', { hasText: 'failed' }).first().waitFor({ timeout: 10_000 });
      const history = await page.locator('#history tr').allTextContents();
      t.true(history[0]!.includes('₹250.00') && history[0]!.includes('failed'), history[0]);
      t.true(history[1]!.includes('₹499.00') && history[1]!.includes('succeeded'), history[1]);
      await page.screenshot({ path: join(ARTIFACTS, 'demo.png'), fullPage: true });

      // the demo links the API reference, which renders offline from /openapi.json
      await page.getByRole('link', { name: '/docs' }).click();
      await page.locator('details#postV1OrdersIdConfirm').waitFor({ timeout: 10_000 });
      t.is(await page.locator('h1').textContent(), 'Payments API');
      t.true((await page.locator('details').count()) >= 16);
      await page.locator('details#postV1OrdersIdConfirm summary').click();
      await page.screenshot({ path: join(ARTIFACTS, 'docs.png') });
    } finally {
      await browser.close();
      server.close();
      await stack.stop();
      await rm(profile, { recursive: true, force: true });
    }
  });
}
