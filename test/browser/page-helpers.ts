import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS } from './chromium.js';

export type Viewport = { width: number; height: number };
export const LAPTOP: Viewport = { width: 1280, height: 800 };
export const WALL: Viewport = { width: 1920, height: 1080 };

/** A fresh browser context signed in with `token` through the sign-in form. */
export async function signedIn(browser: Browser, url: string, token: string, viewport: Viewport = LAPTOP): Promise<Page> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
  await page.goto(url);
  await page.locator('input[name="token"]').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).first().click();
  await page.waitForSelector('header.top');
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Text of a selector now, or '' when absent. */
export async function textOf(page: Page, selector: string): Promise<string> {
  const el = await page.$(selector);
  return el ? ((await el.textContent()) ?? '') : '';
}

/** Polls `read` until it differs from `first`; resolves with the new value. */
export async function changes<T>(read: () => Promise<T>, first: T, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const now = await read();
    if (now !== first) return now;
    if (Date.now() > until) throw new Error(`value stayed ${String(first)} for ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function stats(values: readonly number[]): { n: number; mean: number; p50: number; p95: number; max: number } {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return { n: s.length, mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length), p50: at(0.5), p95: at(0.95), max: s.at(-1) ?? NaN };
}
