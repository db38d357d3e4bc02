import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer } from './api-server.js';
import { ApiServerError } from './errors.js';
import { startTestNode, type TestNode } from './test-node.js';

let node: TestNode;
beforeAll(async () => {
  node = await startTestNode();
});
afterAll(() => node.stop());

describe('startApiServer', () => {
  it('fails with a typed one-line error naming the port when it is in use', async () => {
    const err = await startApiServer({ deps: node.deps, host: '127.0.0.1', port: node.server.port }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiServerError);
    expect(err).toMatchObject({ code: 'API_PORT_IN_USE', port: node.server.port });
    const message = (err as Error).message;
    expect(message).toContain(String(node.server.port));
    expect(message).toContain('--http-port');
    expect(message).toContain('FABRIK_HTTP_PORT');
    expect(message).not.toContain('\n');
  });

  it('serves liveness, readiness and metrics without a token', async () => {
    expect((await node.get('/healthz')).status).toBe(200);
    node.ready = false;
    expect((await node.get('/readyz')).status).toBe(503);
    node.ready = true;
    expect(await (await node.get('/readyz')).json()).toEqual({ ready: true });
    await node.get('/api/v1/tags', node.tokens.viewer);
    const metrics = await node.get('/metrics');
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(await metrics.text()).toMatch(/fabrik_http_requests_total\{method="GET",route="\/api\/v1\/tags",status="200"\} [1-9]/);
  });

  it('sets security headers and answers unknown routes with JSON 404', async () => {
    const res = await node.get('/api/v1/nothing', node.tokens.viewer);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('serves a page naming the node at / when there is no dashboard', async () => {
    const res = await node.get('/');
    expect(res.headers.get('content-type')).toContain('text/html');
    const page = await res.text();
    expect(page).toContain('plant1');
    expect(page).toContain('/api/v1/query');
  });

  it('serves static files from webRoot', async () => {
    const webRoot = await mkdtemp(join(tmpdir(), 'fabrik-web-'));
    await writeFile(join(webRoot, 'index.html'), '<p>dashboard</p>');
    const server = await startApiServer({ deps: node.deps, host: '127.0.0.1', port: 0, webRoot });
    try {
      expect(await (await fetch(`${server.url}/`)).text()).toBe('<p>dashboard</p>');
      expect((await fetch(`${server.url}/api/v1/tags`)).status).toBe(401);
    } finally {
      await server.close();
      await rm(webRoot, { recursive: true, force: true });
    }
  });
});
