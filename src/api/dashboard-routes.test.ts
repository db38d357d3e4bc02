import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Quality } from '../core/index.js';
import { startApiServer } from './api-server.js';
import { startTestNode, type TestNode } from './test-node.js';
import { findWebRoot } from './web-root.js';

let node: TestNode;
beforeAll(async () => {
  node = await startTestNode();
});
afterAll(() => node.stop());

describe('GET /api/v1/auth/me', () => {
  it('names the role, token id and name of every role’s token, and refuses no token', async () => {
    for (const role of ['viewer', 'operator', 'engineer', 'admin'] as const) {
      const me = (await (await node.get('/api/v1/auth/me', node.tokens[role])).json()) as Record<string, string>;
      expect(me).toMatchObject({ role, name: role });
      expect(me.tokenId).toMatch(/\S/);
    }
    expect((await node.get('/api/v1/auth/me')).status).toBe(401);
  });
});

describe('GET /api/v1/site', () => {
  it('derives the asset tree from the tags when the node has no site config', async () => {
    const site = (await (await node.get('/api/v1/site', node.tokens.viewer)).json()) as { site: { id: string }; assets: { path: string }[]; config: unknown; kpi: unknown };
    expect(site.site.id).toBe('plant1');
    expect(site.assets.map((a) => a.path)).toEqual(['acme', 'acme/p1', 'acme/p1/pack', 'acme/p1/pack/line1', 'acme/p1/pack/line1/capper', 'acme/p1/pack/line1/filler', 'acme/p1/pack/line2', 'acme/p1/pack/line2/filler']);
    expect(site).toMatchObject({ config: { digest: null }, kpi: { lines: [] } });
  });
});

describe('GET /api/v1/latest', () => {
  it('answers the newest value of the tags under an asset or matching globs, with quality', async () => {
    node.latest.set(0, { tag: 0, ts: 1_700_000_000_000, value: 71.5, quality: Quality.UncertainEuExceeded });
    node.latest.set(2, { tag: 2, ts: 1_700_000_000_500, value: 1, quality: Quality.Good });
    const byAsset = (await (await node.get('/api/v1/latest?asset=acme/p1/pack/line1/', node.tokens.viewer)).json()) as { samples: unknown[] };
    expect(byAsset.samples).toEqual([
      { tag: 'line1.filler.temp', ts: 1_700_000_000_000, value: 71.5, quality: 'uncertain', qualityCode: Quality.UncertainEuExceeded },
      { tag: 'line1.capper.running', ts: 1_700_000_000_500, value: true, quality: 'good', qualityCode: Quality.Good },
    ]);
    const byGlob = (await (await node.get('/api/v1/latest?tags=line1.capper.*,line2.*', node.tokens.viewer)).json()) as { samples: { tag: string }[] };
    expect(byGlob.samples.map((s) => s.tag)).toEqual(['line1.capper.running']);
  });

  it('refuses more than 200 patterns with a message that says so', async () => {
    const res = await node.get(`/api/v1/latest?tags=${Array.from({ length: 201 }, (_, i) => `t${i}`).join(',')}`, node.tokens.viewer);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/at most 200/);
  });
});

describe('GET /api/v1/kpi/lines', () => {
  it('answers the range it used and no lines when none are configured', async () => {
    const res = await node.get('/api/v1/kpi/lines?from=2025-01-01T00:00:00Z&to=1735693200000', node.tokens.viewer);
    expect(await res.json()).toEqual({ from: Date.UTC(2025, 0, 1), to: Date.UTC(2025, 0, 1, 1), lines: [] });
  });

  it('rejects bad times and reversed ranges, and a shift when the site has none', async () => {
    const bad = await node.get('/api/v1/kpi/lines?from=yesterday', node.tokens.viewer);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/expected an ISO time/);
    expect((await node.get('/api/v1/kpi/lines?from=2000&to=1000', node.tokens.viewer)).status).toBe(400);
    const shift = await node.get('/api/v1/kpi/lines?period=shift', node.tokens.viewer);
    expect(await shift.json()).toMatchObject({ error: { code: 'NO_SHIFT' } });
  });
});

describe('GET /api/v1/system', () => {
  it('reports node, health, ingest and stream figures, null where the node has no such series', async () => {
    const first = (await (await node.get('/api/v1/system', node.tokens.viewer)).json()) as Record<string, Record<string, unknown>>;
    expect(first.node).toMatchObject({ siteId: 'plant1', nodeName: 'edge-1', version: '0.1.0-test' });
    expect(first.health).toEqual({ status: 'ok', components: {} });
    expect(first.stream).toEqual({ clients: 0 });
    expect(first.store).toBeNull();
    // The test node registers no ingest series: figures it does not have are null, not 0.
    expect(first.ingest).toEqual({ received: null, stored: null, dropped: null, droppedByReason: {}, queued: null, perSecond: null });
  });
});

describe('the dashboard at /', () => {
  it('serves precompressed files, caches hashed assets for good and index.html never', async () => {
    const webRoot = await mkdtemp(join(tmpdir(), 'fabrik-web-'));
    await mkdir(join(webRoot, 'assets'));
    const js = 'console.log("fabrik dashboard");'.repeat(50);
    await writeFile(join(webRoot, 'index.html'), '<!doctype html><p>dashboard</p>');
    await writeFile(join(webRoot, 'assets', 'main-abc123.js'), js);
    await writeFile(join(webRoot, 'assets', 'main-abc123.js.gz'), gzipSync(js));
    const server = await startApiServer({ deps: node.deps, host: '127.0.0.1', port: 0, webRoot });
    try {
      const index = await fetch(`${server.url}/`);
      expect(await index.text()).toContain('dashboard');
      expect(index.headers.get('cache-control')).toBe('no-cache');
      const asset = await fetch(`${server.url}/assets/main-abc123.js`, { headers: { 'accept-encoding': 'gzip' } });
      expect(asset.headers.get('content-encoding')).toBe('gzip');
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(await asset.text()).toBe(js);
    } finally {
      await server.close();
      await rm(webRoot, { recursive: true, force: true });
    }
  });

  it('finds the built dashboard of the installation it runs from, and nothing elsewhere', async () => {
    const found = findWebRoot();
    if (found) expect(found).toMatch(/dist[\\/]web$/);
    expect(findWebRoot(join(tmpdir(), 'x', 'y.js'))).toBeUndefined();
  });
});
