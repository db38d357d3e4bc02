import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type NodeProcess } from '../cli-process.js';
import { browserTestsEnabled, launchChromium } from './chromium.js';
import { screenshot, signedIn } from './page-helpers.js';

// `fabrik demo --with-hub` (what `npm start` runs) in its own process, and its Hub page in Chromium.
describe.runIf(browserTestsEnabled)('hub page in a real browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fabrik-browser-hub-'));
  let proc: NodeProcess;
  let browser: Browser;

  beforeAll(async () => {
    proc = await startCli(['demo', '--with-hub', '--hub-port', '0', '--data-dir', dataDir, '--http-port', '0', '--seed', '11', '--log-level', 'warn'], { timeoutMs: 45_000 });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    proc?.child.kill('SIGTERM');
    await proc?.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the demo site side by side on the hub and drills into its rollups', async () => {
    const page = await signedIn(browser, proc.url, readFileSync(join(dataDir, 'line1', 'secrets', 'admin.token'), 'utf8').trim());
    await page.goto(`${proc.url}/#/hub`);
    await page.locator('input[type="password"]').fill(readFileSync(join(dataDir, 'hub', 'secrets', 'hub-admin.token'), 'utf8').trim());
    await page.getByRole('button', { name: 'Use token' }).click();
    const sites = page.locator('[data-testid="hub-sites"]');
    await sites.waitFor({ timeout: 30_000 });
    expect(await sites.textContent()).toContain('(demo)');
    await page.getByRole('link', { name: /\(demo\)/ }).click();
    await page.locator('select').waitFor({ timeout: 30_000 });
    await screenshot(page, 'hub-page');
  }, 90_000);
});
