import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EdgeNode } from '../src/node/edge-node.js';
import { generateSigningKey, signConfig, trustDir } from '../src/security/index.js';
import { eventually } from './edge-node-fixture.js';
import { DEMO_TEXT, startFromFile, tempDir } from './secure-node-fixture.js';

// A node in enforcing mode (it trusts one release key) refusing what it must refuse,
// rolling back a config whose sources fail, and applying a good one — over the API and
// from a watched file, as Flux or Argo CD would deliver it.
const release = generateSigningKey();
const stranger = generateSigningKey();
let dataDir: string;
let node: EdgeNode;
let admin: string;
const sign = (doc: string, version: number, key = release.privateKeyPem) => signConfig(doc, { privateKeyPem: key, version });
const BROKEN = DEMO_TEXT.replace(
  /^devices:\n/m,
  'devices:\n  - id: ghost\n    protocol: sim\n    interval: 1s\n    tags:\n      - { id: ghost.temp, asset: acme/demo, address: no.such.signal, type: number }\n',
);

async function api(path: string, init: { method?: string; body?: string; token?: string } = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${node.url}${path}`, { method: init.method ?? 'GET', headers: { authorization: `Bearer ${init.token ?? admin}`, 'content-type': 'application/yaml' }, ...(init.body ? { body: init.body } : {}) });
  return { status: res.status, body: await res.json() };
}
const apply = (text: string) => api('/api/v1/config/apply', { method: 'POST', body: text });
const storedCount = async () => Number((await api('/api/v1/query', { method: 'POST', body: JSON.stringify({ sql: 'select count(*) from samples' }) })).body.rows[0][0]);

beforeAll(async () => {
  dataDir = tempDir('fabrik-rollout-');
  mkdirSync(trustDir(dataDir), { recursive: true });
  writeFileSync(join(trustDir(dataDir), 'release.pub'), release.publicKeyPem);
  writeFileSync(join(dataDir, 'site.signed.yaml'), sign(DEMO_TEXT, 1));
  node = await startFromFile(dataDir, join(dataDir, 'site.signed.yaml'), { watchConfig: { file: join(dataDir, 'site.signed.yaml'), intervalMs: 200 } });
  admin = node.adminToken.token;
});
afterAll(async () => {
  await node?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('signed config rollout', () => {
  it('starts on the signed version and reports it', async () => {
    const { status, body } = await api('/api/v1/config/version');
    expect(status).toBe(200);
    expect(body).toMatchObject({ version: 1, keyId: release.keyId, enforcing: true, siteId: 'demo' });
  });

  it('refuses unsigned, untrusted, tampered and stale documents, and keeps running version 1', async () => {
    expect(await apply(DEMO_TEXT)).toMatchObject({ status: 403, body: { error: { code: 'CONFIG_UNSIGNED' } } });
    expect(await apply(sign(DEMO_TEXT, 2, stranger.privateKeyPem))).toMatchObject({ status: 403, body: { error: { code: 'SIGNATURE_UNTRUSTED' } } });
    const tampered = sign(DEMO_TEXT, 2).replace('name: Demo bottling and machining plant', 'name: Evil plant');
    expect(await apply(tampered)).toMatchObject({ status: 403, body: { error: { code: 'SIGNATURE_UNTRUSTED', message: expect.stringContaining('changed after signing') } } });
    expect(await apply(sign(DEMO_TEXT.replace('Demo bottling', 'Older bottling'), 1))).toMatchObject({ status: 409, body: { error: { code: 'CONFIG_VERSION_STALE' } } });
    expect(await apply(sign('site: { id: "Not A Slug" }', 2))).toMatchObject({ status: 422, body: { error: { code: 'CONFIG_INVALID' } } });
    expect((await api('/api/v1/config/version')).body.version).toBe(1);
  });

  it('rolls back a config whose sources do not come up; the previous version keeps running', async () => {
    const res = await apply(sign(BROKEN, 2));
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'CONFIG_ROLLED_BACK', message: expect.stringContaining('ghost') });
    expect((await api('/api/v1/config/version')).body.version).toBe(1);
    const health = node.health();
    expect(Object.keys(health.components)).not.toContain('ghost');
    await eventually(async () => Object.entries(node.health().components).every(([, c]) => c.state === 'up'));
    const before = await storedCount();
    await eventually(async () => (await storedCount()) > before);
  });

  it('applies a good version, records it, and audits every attempt with its actor', async () => {
    const res = await apply(sign(DEMO_TEXT.replace('name: Demo bottling and machining plant', 'name: Demo plant, v3'), 3));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 3, keyId: release.keyId, restartRequired: [] });
    const status = (await api('/api/v1/config/version')).body;
    expect(status).toMatchObject({ version: 3 });
    expect(status.history.map((h: { outcome: string }) => h.outcome)).toEqual(expect.arrayContaining(['applied', 'rejected', 'rolled-back']));
    // Bus events reach the audit log just after the response: wait for it.
    type Entry = { action: string; actor: string; outcome: string; details?: { version?: number } };
    const audit = await eventually(async () => {
      const entries = (await api('/api/v1/audit?limit=200')).body.entries as Entry[];
      return entries.some((e) => e.action === 'config.applied') ? entries : null;
    });
    const actions = audit.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['config.applied', 'config.rejected', 'config.rolled-back', 'http.post']));
    const adminId = admin.split('_')[1];
    expect(audit.find((e) => e.action === 'config.applied')).toMatchObject({ actor: adminId, details: { version: 3 } });
    expect((await api('/api/v1/audit/verify')).body).toMatchObject({ ok: true, problems: [] });
  });

  it('applies a new version dropped into the watched file (GitOps)', async () => {
    writeFileSync(join(dataDir, 'site.signed.yaml'), sign(DEMO_TEXT.replace('name: Demo bottling and machining plant', 'name: Demo plant, v4'), 4));
    await eventually(async () => (await api('/api/v1/config/version')).body.version === 4, 10_000);
    const applied = await eventually(async () => {
      const [last] = (await api('/api/v1/audit?action=config.applied')).body.entries as { details: { version: number } }[];
      return last?.details.version === 4 ? last : null;
    });
    expect(applied).toMatchObject({ actor: `gitops:${join(dataDir, 'site.signed.yaml')}`, details: { version: 4 } });
  });

  it('restarts on the newest applied version', async () => {
    await node.stop();
    // The watched file still holds v4; an older file would lose to the data dir's record.
    writeFileSync(join(dataDir, 'old.signed.yaml'), sign(DEMO_TEXT, 2));
    node = await startFromFile(dataDir, join(dataDir, 'old.signed.yaml'));
    admin = node.adminToken.token;
    expect((await api('/api/v1/config/version')).body).toMatchObject({ version: 4 });
  });
});
