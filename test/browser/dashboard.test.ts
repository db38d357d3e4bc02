import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestsEnabled, launchChromium } from './chromium.js';
import { DemoNode } from './demo-node.js';
import { changes, LAPTOP, screenshot, signedIn, stats, textOf, WALL } from './page-helpers.js';

// The dashboard in Debian's Chromium against `fabrik demo` in its own process.
// Measurements are printed, never asserted (machines are noisy).
const measured: Record<string, unknown> = {};
const COMPRESSOR = 'acme/demo/utilities/compressor1';
const PRESSURE = 'utilities.compressor1.pressure';

describe.runIf(browserTestsEnabled)('dashboard in a real browser', () => {
  let node: DemoNode;
  let browser: Browser;
  let engineer: string;
  let viewer: string;
  let operator: string;
  const pages: Page[] = [];
  const open = async (token: string, viewport = LAPTOP): Promise<Page> => {
    const p = await signedIn(browser, node.url, token, viewport);
    pages.push(p);
    return p;
  };

  beforeAll(async () => {
    node = new DemoNode();
    await node.start();
    browser = await launchChromium();
    [engineer, viewer, operator] = await Promise.all([node.token('engineer'), node.token('viewer'), node.token('operator')]);
  }, 60_000);

  afterAll(async () => {
    for (const p of pages) await p.context().close().catch(() => {});
    await browser?.close();
    await node?.dispose();
    console.log(`\ndashboard measurements\n${JSON.stringify(measured, null, 2)}\n`);
  });

  it('signs in with a token, hides the password form on a node without logins, and opens onto the overview with live machine states', async () => {
    const context = await browser.newContext({ viewport: LAPTOP });
    const page = await context.newPage();
    await page.goto(node.url);
    await page.locator('input[name="token"]').waitFor();
    const login = await node.api('/api/v1/auth/login', { body: {} });
    const hasLogins = login.status !== 404 && login.status !== 401;
    await page.waitForTimeout(300);
    expect(await page.locator('form[data-form="login"]').count()).toBe(hasLogins ? 1 : 0);
    await screenshot(page, 'sign-in');
    // Bundle weight as the browser fetched it (compressed bytes on the wire).
    const resources = (await page.evaluate(
      `performance.getEntriesByType('resource').filter(e => /\\.(js|css)$/.test(new URL(e.name).pathname)).map(e => ({ name: new URL(e.name).pathname, encoded: e.encodedBodySize, decoded: e.decodedBodySize }))`,
    )) as { name: string; encoded: number; decoded: number }[];
    const report = JSON.parse(readFileSync(fileURLToPath(new URL('../../dist/web/build-report.json', import.meta.url)), 'utf8')) as { initialGzipBytes: number; initialBytes: number };
    measured.bundle = {
      initialJsCssOnWireBytes: resources.reduce((n, r) => n + r.encoded, 0),
      initialJsCssDecodedBytes: resources.reduce((n, r) => n + r.decoded, 0),
      initialJsCssGzipBytes: report.initialGzipBytes,
      files: resources.map((r) => r.name),
    };

    await page.locator('input[name="token"]').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).first().click();
    await page.getByRole('alert').filter({ hasText: 'does not accept this token' }).waitFor();
    await page.locator('input[name="token"]').fill(engineer);
    await page.getByRole('button', { name: 'Sign in' }).first().click();
    await page.locator('main[data-page="overview"]').waitFor();
    await page.locator(`[data-asset="acme/demo/bottling/line1/filler"] .state:not([data-state="unknown"])`).waitFor();
    await page.locator('.kpi-card[data-line="acme/demo/bottling/line1"] [data-kpi="oee"]').waitFor();
    expect(await textOf(page, '.role')).toContain('engineer');
    await screenshot(page, 'overview');
    expect(await page.evaluate('document.documentElement.scrollWidth <= innerWidth')).toBe(true);
    await context.close();
  }, 60_000);

  it('shows live values that change, and measures the time to the first value', async () => {
    const page = await open(engineer);
    // A fresh load of a machine page with the session kept: what an operator sees after a reboot of the panel.
    await page.goto(`${node.url}/#/machine/${COMPRESSOR}`);
    await page.reload();
    const cell = `tr[data-tag="${PRESSURE}"] .value`;
    await page.locator(`${cell}:not([data-value=""])`).waitFor();
    const first = (await page.getAttribute(cell, 'data-value')) ?? '';
    // Polled with evaluate: waitForFunction compiles a string in the page, which the dashboard's CSP forbids.
    await expect.poll(() => page.evaluate(`performance.getEntriesByName('fabrik:first-live-sample').length`), { timeout: 15_000 }).toBeGreaterThan(0);
    measured.timeToFirstValueMs = await page.evaluate(`Math.round(performance.getEntriesByName('fabrik:first-value')[0]?.startTime ?? -1)`);
    measured.timeToFirstLiveSampleMs = await page.evaluate(`Math.round(performance.getEntriesByName('fabrik:first-live-sample')[0]?.startTime ?? -1)`);
    const next = await changes(() => page.getAttribute(cell, 'data-value'), first, 15_000);
    expect(next).not.toBe(first);
    expect(Number(next)).toBeGreaterThan(0);
    await expect(page.locator(`tr[data-tag="${PRESSURE}"] .quality`).textContent()).resolves.toMatch(/good|uncertain/);
  }, 45_000);

  it('trends a tag live and shows points arriving', async () => {
    const page = await open(engineer);
    await page.goto(`${node.url}/#/machine/${COMPRESSOR}?trend=${PRESSURE}`);
    const points = page.getByTestId('trend-points');
    await page.locator('.trend .uplot').waitFor();
    const before = Number(await points.textContent());
    const after = await changes(async () => Number(await points.textContent()), before, 15_000);
    expect(after).toBeGreaterThan(before);
    await screenshot(page, 'machine');
    await page.getByRole('radio', { name: '24 h' }).click();
    await page.locator('.trend .chart-meta').filter({ hasText: /min\/avg\/max|raw samples/ }).waitFor();
    await screenshot(page, 'machine-trend-24h');
  }, 45_000);

  it('runs a query, shows table and chart, and exports the same rows as CSV', async () => {
    const page = await open(engineer);
    await page.goto(`${node.url}/#/query`);
    // A fixed cut-off: the export runs the query again, and tags that first report in between must not change the row set.
    const cutoff = new Date(Date.now() - 1000).toISOString().replace('T', ' ').replace('Z', '');
    await page.waitForTimeout(2000); // samples stamped before the cut-off are committed by then
    await page.locator('#sql').fill(`select tag, count(*) as n from samples where ts < TIMESTAMPTZ '${cutoff}+00' group by tag order by tag`);
    await page.getByRole('button', { name: /^Run/ }).click();
    await page.getByTestId('query-summary').waitFor();
    const firstTag = await textOf(page, 'table.data tbody tr td');
    expect(firstTag).toMatch(/\./);
    await screenshot(page, 'query');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^fabrik-query-.*\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]).toBe('tag,n');
    expect(lines[1]!.split(',')[0]).toBe(firstTag);
    expect(lines.length).toBe(1 + (await page.locator('table.data tbody tr').count()));
    expect(csv).toContain('line1.filler.bottles,');
  }, 45_000);

  it('queries the whole site: the demo runs one edge node per line, and "Whole site" merges both', async () => {
    const page = await open(engineer);
    await page.goto(`${node.url}/#/query`);
    await page.locator('#sql').fill("select split_part(tag, '.', 1) as area, count(*) as n from samples group by 1 order by 1");
    await page.getByRole('button', { name: /^Run/ }).click();
    await page.getByTestId('query-summary').waitFor();
    const local = await page.locator('table.data tbody tr td:first-child').allTextContents();
    expect(local).toContain('line1');
    expect(local).not.toContain('line2');
    await page.getByLabel(/Whole site \(2 nodes\)/).check();
    await page.getByRole('button', { name: /^Run/ }).click();
    await page.getByTestId('query-summary').filter({ hasText: 'site query' }).waitFor();
    const site = await page.locator('table.data tbody tr td:first-child').allTextContents();
    expect(site).toEqual(expect.arrayContaining(['line1', 'line2', 'utilities']));
    expect(await page.getByTestId('query-summary').textContent()).toMatch(/line1, line2 answered|line2, line1 answered/);
  }, 45_000);

  it('pans a 100,000-point chart and measures the frame time', async () => {
    const page = await open(engineer);
    await page.goto(`${node.url}/#/query`);
    await page.locator('#sql').fill('select epoch_ms(1700000000000 + i * 1000) as ts, sin(i / 700.0) * 10 + random() as v from range(100000) t(i)');
    await page.getByLabel('Max rows').selectOption('100000');
    await page.getByRole('button', { name: /^Run/ }).click();
    await page.getByTestId('query-summary').filter({ hasText: '100,000 rows' }).waitFor({ timeout: 20_000 });
    await page.getByRole('tab', { name: 'Chart' }).click();
    const over = page.locator('.result-chart .u-over');
    await over.waitFor();
    const box = (await over.boundingBox())!;
    const viewBefore = await page.getAttribute('.result-chart .uplot', 'data-x-min');
    await page.evaluate(`(() => {
      window.__frames = []; window.__recording = true;
      let last = performance.now();
      const tick = (t) => { window.__frames.push(t - last); last = t; if (window.__recording) requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
    })()`);
    const y = box.y + box.height / 2;
    await page.keyboard.down('Shift');
    await page.mouse.move(box.x + box.width * 0.8, y);
    await page.mouse.down();
    for (let i = 1; i <= 60; i++) await page.mouse.move(box.x + box.width * 0.8 - i * 8, y);
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await page.waitForTimeout(100);
    const frames = (await page.evaluate('(() => { window.__recording = false; return window.__frames.slice(1); })()')) as number[];
    // Dragged right to left: the view moved to later times.
    expect(Number(await page.getAttribute('.result-chart .uplot', 'data-x-min'))).toBeGreaterThan(Number(viewBefore));
    const redraws = (await page.evaluate(`performance.getEntriesByName('fabrik:chart-redraw').map((e) => e.duration)`)) as number[];
    const round = (o: ReturnType<typeof stats>) => ({ n: o.n, mean: +o.mean.toFixed(1), p50: +o.p50.toFixed(1), p95: +o.p95.toFixed(1), max: +o.max.toFixed(1) });
    expect(redraws.length).toBeGreaterThan(0);
    measured.pan100k = { frameIntervalMs: round(stats(frames)), redrawMs: round(stats(redraws)) };
    await screenshot(page, 'query-chart-100k');
  }, 60_000);

  it('lets a viewer see but not reach engineer or operator actions, and the node refuses them too', async () => {
    const page = await open(viewer);
    expect(await textOf(page, '.role')).toContain('viewer');
    await page.goto(`${node.url}/#/system`);
    await page.locator('[data-panel="sim-faults"] h2').waitFor();
    await page.locator('[data-panel="node"] [data-health]').waitFor();
    expect(await page.locator('[data-action="inject-fault"]').count()).toBe(0);
    await page.goto(`${node.url}/#/machine/${COMPRESSOR}`);
    await page.locator(`tr[data-tag="${PRESSURE}"]`).waitFor();
    expect(await page.locator('[data-action="inject-fault"]').count()).toBe(0);
    await page.goto(`${node.url}/#/spc`);
    await page.locator('main[data-page="spc"] h1').waitFor();
    expect(await page.locator('[data-action="edit-spc-limits"]').count()).toBe(0);
    await page.goto(`${node.url}/#/events?tab=alarms`);
    await page.locator('main[data-page="events"] h1').waitFor();
    expect(await page.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);
    const refused = await node.api('/api/v1/sim/faults', { token: viewer, body: { signal: PRESSURE, type: 'step', magnitude: 1 } });
    expect(refused.status).toBe(403);

    // The engineer sees the fault form on the same pages.
    const eng = await open(engineer);
    await eng.goto(`${node.url}/#/system`);
    await eng.locator('[data-action="inject-fault"]').waitFor();
    await screenshot(eng, 'system');
  }, 45_000);

  it('shows new events live on the events page, and filters them by search text and severity', async () => {
    const page = await open(engineer);
    await page.goto(`${node.url}/#/events?range=1h`);
    await page.locator('main[data-page="events"] [aria-live]').waitFor();
    const fault = await node.api<{ id: string }>('/api/v1/sim/faults', { token: engineer, body: { signal: PRESSURE, type: 'spike', magnitude: 0.5, durationMs: 1000 } });
    expect(fault.status).toBe(201);
    const row = page.locator('tr[data-kind="sim.fault"]').filter({ hasText: fault.body.id });
    await row.first().waitFor({ timeout: 15_000 });
    await page.getByRole('searchbox', { name: 'Search' }).fill(fault.body.id);
    await expect.poll(() => page.locator('tr[data-event]').count()).toBeGreaterThan(0);
    for (const text of await page.locator('tr[data-event]').allTextContents()) expect(text).toContain(fault.body.id);
    await page.getByLabel('Severity at least').selectOption('high');
    await expect.poll(() => page.locator('tr[data-event]').count()).toBe(0);
    await row.first().waitFor({ state: 'detached' });
  }, 45_000);

  it('moves between pages with the keyboard and switches the theme', async () => {
    const page = await open(engineer, WALL);
    await page.locator('main[data-page="overview"]').waitFor();
    await page.keyboard.press('g');
    await page.keyboard.press('e');
    await page.locator('main[data-page="events"]').waitFor();
    await screenshot(page, 'events');
    await page.keyboard.press('g');
    await page.keyboard.press('o');
    await page.locator('main[data-page="overview"]').waitFor();
    const before = await page.getAttribute('html', 'data-theme');
    await page.keyboard.press('t');
    expect(await page.getAttribute('html', 'data-theme')).not.toBe(before);
    await page.locator('.kpi-card [data-kpi="oee"]').first().waitFor();
    await screenshot(page, `overview-1920-${await page.getAttribute('html', 'data-theme')}`);
    // On a fresh load the first Tab reaches the skip link, before the header.
    await page.reload();
    await page.locator('main[data-page="overview"]').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toMatch(/Skip to content/);
  }, 45_000);

  it('shows a violation marked on the SPC chart after a fault is injected', async () => {
    const probe = await node.api<{ characteristics: { id: string; tag: string; status: string }[] }>('/api/v1/spc/characteristics');
    expect(probe.status).toBe(200);
    const chars = probe.body.characteristics;
    const c = chars.find((x) => x.tag === 'cnc1.lathe.part_diameter') ?? chars[0]!;
    const page = await open(engineer);
    await page.goto(`${node.url}/#/spc/${encodeURIComponent(c.id)}?range=1h`);
    // The lathe makes a part every 8 s: the first chart (trial limits need 2 subgroups of 5) comes about 80 s after the node starts.
    await page.locator('section.control-chart .uplot').first().waitFor({ timeout: 150_000 });
    const chart = await node.api<{ charts: { ucl: number; lcl: number }[] }>(`/api/v1/spc/${encodeURIComponent(c.id)}/chart`);
    const limits = chart.body.charts[0]!;
    const fault = await node.api('/api/v1/sim/faults', { token: engineer, body: { signal: c.tag, type: 'step', magnitude: 3 * Math.max(limits.ucl - limits.lcl, 1e-6), durationMs: 180_000 } });
    expect(fault.status).toBe(201);
    await page.locator('table.violations tr[data-rule]').first().waitFor({ timeout: 120_000 });
    await page.locator('section.control-chart:not([data-violations="0"])').first().waitFor({ timeout: 30_000 });
    await screenshot(page, 'spc');
  }, 300_000);

  it('acknowledges an alarm with a comment', async () => {
    const probe = await node.api<{ alarms: { id: string; acknowledged: boolean }[] }>('/api/v1/alarms?state=unacked');
    expect(probe.status).toBe(200);
    if (probe.body.alarms.length === 0) {
      for (const [signal, magnitude] of [['line1.filler.product_temp', 25], [PRESSURE, 4], ['utilities.chiller1.supply_temp', 20]] as const) {
        await node.api('/api/v1/sim/faults', { token: engineer, body: { signal, type: 'step', magnitude, durationMs: 120_000 } });
      }
    }
    const page = await open(operator);
    await page.goto(`${node.url}/#/events?tab=alarms&state=unacked`);
    const ack = page.getByRole('button', { name: 'Acknowledge' }).first();
    await ack.waitFor({ timeout: 90_000 });
    const row = page.locator('tr[data-alarm]').filter({ has: ack }).first();
    const id = (await row.getAttribute('data-alarm'))!;
    await ack.click();
    await page.getByLabel(/Comment/).fill('checked at the machine, browser test');
    await page.locator('dialog').getByRole('button', { name: 'Acknowledge' }).click();
    await page.locator('dialog[open]').waitFor({ state: 'detached' });
    const after = await node.api<{ alarms: { id: string; acknowledged: boolean }[] }>('/api/v1/alarms?state=all');
    expect(after.body.alarms.find((a) => a.id === id)?.acknowledged).toBe(true);
    await screenshot(page, 'alarms');
  }, 150_000);

  it('says the node is unreachable when it goes away and recovers by itself when it is back', async () => {
    const page = await open(engineer);
    await page.goto(`${node.url}/#/machine/${COMPRESSOR}`);
    const cell = `tr[data-tag="${PRESSURE}"] .value`;
    await page.locator(`${cell}:not([data-value=""])`).waitFor();
    await node.stop();
    await page.locator('[data-banner="unreachable"]').waitFor({ timeout: 15_000 });
    await screenshot(page, 'unreachable');
    await node.start();
    await page.locator('[data-banner="restored"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-banner="unreachable"]').count()).toBe(0);
    const now = (await page.getAttribute(cell, 'data-value')) ?? '';
    await changes(() => page.getAttribute(cell, 'data-value'), now, 20_000);
  }, 90_000);
});
