import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from './test-node.js';

let node: TestNode;
beforeAll(async () => {
  node = await startTestNode({ sim: true });
});
afterAll(() => node.stop());

describe('API authentication', () => {
  it('answers 401 without a token, with a malformed header and with a bad token', async () => {
    for (const res of [
      await node.get('/api/v1/tags'),
      await fetch(`${node.server.url}/api/v1/tags`, { headers: { authorization: 'Basic abc' } }),
      await node.get('/api/v1/tags', 'fbk_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'),
    ]) {
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toMatch(/^AUTH_(REQUIRED|INVALID)$/);
      expect(body.error.message).toBeTruthy();
    }
  });

  it('answers 401 for an expired token and a revoked one', async () => {
    const { token } = await node.deps.tokens.create({ role: 'admin', name: 'brief', ttlMs: 1 });
    await new Promise((r) => setTimeout(r, 5));
    expect((await node.get('/api/v1/tags', token)).status).toBe(401);
    const other = await node.deps.tokens.create({ role: 'admin', name: 'gone' });
    await node.deps.tokens.revoke(other.id);
    expect((await node.get('/api/v1/tags', other.token)).status).toBe(401);
  });

  it('lets every role read', async () => {
    for (const token of Object.values(node.tokens)) expect((await node.get('/api/v1/tags', token)).status).toBe(200);
  });

  const nonViewer: { method: string; path: string; body?: unknown; need: 'engineer' | 'admin' }[] = [
    { method: 'POST', path: '/api/v1/sim/faults', body: { signal: 's', type: 'drift' }, need: 'engineer' },
    { method: 'DELETE', path: '/api/v1/sim/faults/f1', need: 'engineer' },
    { method: 'GET', path: '/api/v1/tokens', need: 'admin' },
    { method: 'POST', path: '/api/v1/tokens', body: { role: 'viewer', name: 'x' }, need: 'admin' },
    { method: 'DELETE', path: '/api/v1/tokens/0123456789abcdef', need: 'admin' },
  ];
  for (const route of nonViewer) {
    it(`answers 403 on ${route.method} ${route.path} below ${route.need}`, async () => {
      const below = route.need === 'engineer' ? (['viewer', 'operator'] as const) : (['viewer', 'operator', 'engineer'] as const);
      for (const role of below) {
        const res = await node.send(route.method, route.path, route.body, node.tokens[role]);
        expect(res.status, role).toBe(403);
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(body.error).toMatchObject({ code: 'FORBIDDEN' });
        expect(body.error.message).toContain(route.need);
      }
    });
  }

  it('lets an admin create, list and revoke tokens', async () => {
    const created = await node.send('POST', '/api/v1/tokens', { role: 'viewer', name: 'dash', ttl: '1d' }, node.tokens.admin);
    expect(created.status).toBe(201);
    const { id, token, expiresAt } = (await created.json()) as { id: string; token: string; expiresAt: string };
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
    expect((await node.get('/api/v1/tags', token)).status).toBe(200);
    const list = (await (await node.get('/api/v1/tokens', node.tokens.admin)).json()) as { tokens: { id: string }[] };
    expect(list.tokens.map((t) => t.id)).toContain(id);
    expect(JSON.stringify(list)).not.toContain('hash');
    expect((await node.send('DELETE', `/api/v1/tokens/${id}`, undefined, node.tokens.admin)).status).toBe(200);
    expect((await node.get('/api/v1/tags', token)).status).toBe(401);
    expect((await node.send('DELETE', `/api/v1/tokens/${id}`, undefined, node.tokens.admin)).status).toBe(404);
    expect((await node.send('POST', '/api/v1/tokens', { role: 'root', name: 'x' }, node.tokens.admin)).status).toBe(400);
  });

  it('lets an engineer inject, list and clear simulator faults', async () => {
    const res = await node.send('POST', '/api/v1/sim/faults', { signal: 'filler.temp', type: 'drift', rate: 0.1 }, node.tokens.engineer);
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const list = (await (await node.get('/api/v1/sim/faults', node.tokens.viewer)).json()) as { faults: unknown[] };
    expect(list.faults).toHaveLength(1);
    expect((await node.send('DELETE', `/api/v1/sim/faults/${id}`, undefined, node.tokens.engineer)).status).toBe(200);
    expect((await node.send('DELETE', `/api/v1/sim/faults/${id}`, undefined, node.tokens.engineer)).status).toBe(404);
    const bad = await node.send('POST', '/api/v1/sim/faults', { signal: 'nope', type: 'spike' }, node.tokens.engineer);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'SIM_SIGNAL_UNKNOWN' } });
    expect((await node.send('POST', '/api/v1/sim/faults', { signal: 's', type: 'melt' }, node.tokens.engineer)).status).toBe(400);
  });
});

describe('a node without simulator', () => {
  it('answers 404 SIM_NOT_RUNNING on fault routes', async () => {
    const plain = await startTestNode();
    try {
      const res = await plain.send('POST', '/api/v1/sim/faults', { signal: 's', type: 'drift' }, plain.tokens.engineer);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: 'SIM_NOT_RUNNING' } });
    } finally {
      await plain.stop();
    }
  });
});
