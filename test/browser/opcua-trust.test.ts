import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlant, demoSiteConfig } from '../../src/sim/index.js';
import { startOpcuaPlantServer, type OpcuaPlantServer } from '../../src/sim/opcua-plant-server.js';
import { startCli, type NodeProcess } from '../cli-process.js';
import { tempDir } from '../opcua-fixture.js';
import { browserTestsEnabled, launchChromium } from './chromium.js';
import { screenshot, signedIn } from './page-helpers.js';

// A real refusal: `fabrik node` reads the CNC cell from an OPC UA server with SignAndEncrypt whose
// certificate it has never seen, so the device stays down and the certificate waits on the System page
// until an engineer trusts it there; then the device connects.
describe.runIf(browserTestsEnabled)('OPC UA server certificate trusted from the dashboard', () => {
  let dirs: { dir: string; remove: () => Promise<void> };
  let server: OpcuaPlantServer;
  let node: NodeProcess;
  let browser: Browser;
  const pages: Page[] = [];
  let admin = '';
  const api = async <T>(path: string, init: { token?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${node.url}${path}`, {
      method: init.body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${init.token ?? admin}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };
  const token = async (role: 'viewer' | 'engineer'): Promise<string> => (await api<{ token: string }>('/api/v1/tokens', { body: { role, name: `browser-${role}` } })).body.token;
  const cncHealth = async (): Promise<{ state: string; message?: string; details?: { security?: string } } | undefined> =>
    (await api<{ components: Record<string, { state: string; message?: string; details?: { security?: string } }> }>('/healthz')).body.components['cnc1-opcua'];

  beforeAll(async () => {
    dirs = await tempDir('fabrik-browser-opcua-');
    server = await startOpcuaPlantServer({ plant: createPlant({ seed: 3, startTime: Date.now() }), port: 0, pkiDir: join(dirs.dir, 'server-pki') });
    const site = demoSiteConfig({ cncOpcua: { endpoint: server.endpoint, namespaceIndex: server.namespaceIndex } });
    for (const d of site.devices ?? []) {
      if (d.id === 'cnc1-opcua' && d.protocol === 'opcua') d.options = { ...d.options, securityMode: 'SignAndEncrypt', securityPolicy: 'Basic256Sha256', maxReconnectDelay: '500ms' };
    }
    // JSON is YAML.
    const config = join(dirs.dir, 'site.yaml');
    writeFileSync(config, JSON.stringify(site));
    const dataDir = join(dirs.dir, 'node');
    node = await startCli(['node', '--config', config, '--data-dir', dataDir, '--http-port', '0', '--log-level', 'warn'], { timeoutMs: 40_000 });
    admin = readFileSync(join(dataDir, 'secrets', 'admin.token'), 'utf8').trim();
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    for (const p of pages) await p.context().close().catch(() => {});
    await browser?.close();
    if (node) {
      node.child.kill('SIGTERM');
      await node.exited;
    }
    await server?.stop();
    await dirs?.remove();
  });

  it('lists the refused certificate for everyone, lets only an engineer trust it after confirming, and the device then connects', async () => {
    const [engineer, viewer] = await Promise.all([token('engineer'), token('viewer')]);
    await expect.poll(async () => (await cncHealth())?.message ?? '', { timeout: 30_000 }).toMatch(/not trusted/);

    const look = await signedIn(browser, node.url, viewer);
    pages.push(look);
    await look.goto(`${node.url}/#/system`);
    const seen = look.locator('[data-certificates="rejected"] tr[data-thumbprint]');
    await seen.first().waitFor({ timeout: 20_000 });
    const thumbprint = (await seen.first().getAttribute('data-thumbprint')) ?? '';
    expect(thumbprint).toMatch(/^[0-9a-f]{40}$/);
    expect(await seen.first().textContent()).toContain('urn:fabrik:sim:plant');
    expect(await look.getByRole('button', { name: /^Trust/ }).count()).toBe(0);
    expect(await look.getByText('An engineer reviews and trusts server certificates.').count()).toBe(1);
    expect((await api(`/api/v1/opcua/certificates/${thumbprint}/trust`, { token: viewer, body: {} })).status).toBe(403);

    const page = await signedIn(browser, node.url, engineer);
    pages.push(page);
    await page.goto(`${node.url}/#/system`);
    const panel = page.locator('[data-panel-body="opcua-certificates"]');
    const row = panel.locator(`[data-certificates="rejected"] tr[data-thumbprint="${thumbprint}"]`);
    await row.waitFor({ timeout: 20_000 });
    await screenshot(page, 'system-opcua-rejected');
    // Keyboard: focus the Trust button, Enter opens the confirmation, Escape leaves everything as it was.
    const trustButton = row.getByRole('button', { name: /^Trust/ });
    await trustButton.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Trust this server certificate?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(thumbprint);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Trust');
    expect((await api<{ rejected: { thumbprint: string }[] }>('/api/v1/opcua/certificates')).body.rejected.map((c) => c.thumbprint)).toEqual([thumbprint]);

    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.press('Enter'); // the confirm button has the focus
    await panel.locator(`[data-certificates="trusted"] tr[data-thumbprint="${thumbprint}"]`).waitFor({ timeout: 20_000 });
    expect(await panel.locator('[data-certificates="rejected"]').count()).toBe(0);
    // The client reconnects with the trusted certificate: the device comes up, encrypted.
    await expect.poll(async () => (await cncHealth())?.state, { timeout: 30_000 }).toBe('up');
    expect((await cncHealth())?.details?.security).toMatch(/SignAndEncrypt/);
    const audit = await api<{ entries: { target?: string; details?: Record<string, unknown> }[] }>('/api/v1/audit?limit=50');
    expect(audit.body.entries.find((e) => e.target === `/api/v1/opcua/certificates/${thumbprint}/trust`)?.details).toMatchObject({ thumbprint, applicationUri: 'urn:fabrik:sim:plant' });
    await screenshot(page, 'system-opcua-trusted');
  }, 120_000);
});
