import modbusSerial from 'modbus-serial';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestsEnabled, launchChromium } from './chromium.js';
import { DemoNode } from './demo-node.js';
import { screenshot, signedIn } from './page-helpers.js';

// Write-back from the dashboard, in Debian's Chromium against `fabrik demo`:
// the chiller setpoint goes browser → API → Modbus TCP (holding registers) → simulated plant,
// and comes back through the node's Modbus poll into the live values.
const CHILLER = 'acme/demo/utilities/chiller1';
const SETPOINT = 'utilities.chiller1.setpoint';
const SUPPLY = 'utilities.chiller1.supply_temp';

describe.runIf(browserTestsEnabled)('write-back from the machine page in a real browser', () => {
  let node: DemoNode;
  let browser: Browser;
  let engineer: string;
  let viewer: string;
  let operator: string;
  const pages: Page[] = [];
  const open = async (token: string): Promise<Page> => {
    const p = await signedIn(browser, node.url, token);
    pages.push(p);
    return p;
  };

  /** The chiller's setpoint as the simulator serves it: float32 ABCD in holding registers 0–1 of the chiller's unit. */
  const plantSetpoint = async (): Promise<number> => {
    const health = await node.api<{ components: Record<string, { details?: { endpoint?: string; unitId?: number } }> }>('/healthz');
    const { endpoint = '', unitId = 0 } = health.body.components['utilities-chiller1']?.details ?? {};
    const [host, port] = endpoint.split(':');
    const client = new modbusSerial.default();
    await client.connectTCP(host!, { port: Number(port) });
    try {
      client.setID(unitId);
      client.setTimeout(5000);
      const { data } = await client.readHoldingRegisters(0, 2);
      const bytes = Buffer.alloc(4);
      bytes.writeUInt16BE(data[0]!, 0);
      bytes.writeUInt16BE(data[1]!, 2);
      return bytes.readFloatBE(0);
    } finally {
      client.close(() => {});
    }
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
  });

  it('lets an engineer set the chiller setpoint from the machine page, with the keyboard: confirmed, read back over Modbus, then live', async () => {
    const page = await open(engineer);
    await page.goto(`${node.url}/#/machine/${CHILLER}`);
    const row = page.locator(`tr[data-tag="${SETPOINT}"]`);
    await row.locator('.value:not([data-value=""])').waitFor();
    const before = Number(await row.locator('.value').getAttribute('data-value'));
    const target = Math.round((before < 10 ? before + 2.5 : before - 2.5) * 10) / 10;
    // Only the writable tag has the control; its input carries the tag's range.
    expect(await page.locator(`tr[data-tag="${SUPPLY}"] form[data-action="write-tag"]`).count()).toBe(0);
    const input = row.getByRole('spinbutton', { name: `New value for ${SETPOINT}, range -5 … 15 °C` });
    expect(await input.getAttribute('min')).toBe('-5');
    expect(await input.getAttribute('max')).toBe('15');

    // Out of range: the browser holds the form back, nothing is asked or written.
    await input.fill('40');
    await input.press('Enter');
    await page.waitForTimeout(300);
    expect(await page.locator('dialog[data-dialog="confirm"]').count()).toBe(0);

    // Escape in the confirmation writes nothing.
    await input.fill(String(target));
    await input.press('Enter');
    const dialog = page.getByRole('dialog', { name: `Write to ${SETPOINT}?` });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect((await node.api<{ samples: { value: number }[] }>(`/api/v1/latest?tags=${SETPOINT}`)).body.samples[0]?.value).toBe(before);

    // Enter in the field, Enter on the focused confirm button: the write goes out.
    await input.press('Enter');
    await dialog.waitFor();
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'machine-setpoint-confirm-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await page.evaluate('document.activeElement?.textContent')).toBe(`Write ${target} °C`);
    await page.keyboard.press('Enter');
    const outcome = row.locator('[data-outcome="ok"]');
    await outcome.waitFor({ timeout: 15_000 });
    expect(await outcome.textContent()).toBe(`Read back ${target} °C (good)`);
    // The node's next Modbus poll reads the plant's holding registers: the live value follows.
    await expect.poll(async () => Number(await row.locator('.value').getAttribute('data-value')), { timeout: 15_000 }).toBe(target);
    await screenshot(page, 'machine-setpoint-written');
    // The plant holds it: another Modbus client (not Fabrik's adapter) reads the setpoint's holding registers.
    expect(await plantSetpoint()).toBeCloseTo(target, 4);

    // Audited with who wrote what and what came back.
    const audit = await node.api<{ entries: { actor?: unknown; action?: string; details?: Record<string, unknown> }[] }>('/api/v1/audit?limit=50');
    const entry = audit.body.entries.find((e) => JSON.stringify(e).includes(SETPOINT) && JSON.stringify(e).includes('readBack'));
    expect(JSON.stringify(entry)).toContain('browser-engineer');
  }, 60_000);

  it('shows the node’s refusal instead of a read-back: the node checks the range again when the browser does not', async () => {
    const page = await open(engineer);
    await page.goto(`${node.url}/#/machine/${CHILLER}`);
    const row = page.locator(`tr[data-tag="${SETPOINT}"]`);
    const input = row.getByRole('spinbutton');
    await input.waitFor();
    // An older page or a hand-edited form: no min/max in the browser.
    await input.evaluate((el) => {
      el.removeAttribute('min');
      el.removeAttribute('max');
    });
    await input.fill('40');
    await row.getByRole('button', { name: 'Set' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Write 40 °C' }).click();
    const error = row.locator('[data-outcome="error"]');
    await error.waitFor({ timeout: 15_000 });
    expect(await error.textContent()).toContain(`40 is outside the range of "${SETPOINT}"`);
    expect(await error.getAttribute('role')).toBe('alert');
  }, 45_000);

  it('shows no Set control to a viewer, and the node refuses a viewer\'s write; an operator may write', async () => {
    for (const token of [viewer]) {
      const page = await open(token);
      await page.goto(`${node.url}/#/machine/${CHILLER}`);
      await page.locator(`tr[data-tag="${SETPOINT}"] .value:not([data-value=""])`).waitFor();
      expect(await page.locator('form[data-action="write-tag"]').count()).toBe(0);
      expect(await page.getByRole('columnheader', { name: 'Set' }).count()).toBe(0);
      expect((await node.api(`/api/v1/tags/${SETPOINT}/write`, { token, body: { value: 5 } })).status).toBe(403);
    }
    // Setpoints are an operator's job too (the issue: "by the operator/engineer role").
    const page = await open(operator);
    await page.goto(`${node.url}/#/machine/${CHILLER}`);
    await page.locator(`tr[data-tag="${SETPOINT}"] form[data-action="write-tag"]`).waitFor();
    const res = await node.api<{ readBack?: { value: unknown } }>(`/api/v1/tags/${SETPOINT}/write`, { token: operator, body: { value: 6 } });
    expect(res.status).toBe(200);
  }, 45_000);
});
