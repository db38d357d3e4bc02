import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from './test-node.js';

let node: TestNode;
beforeAll(async () => {
  node = await startTestNode({ maxBodyBytes: 4096 });
});
afterAll(() => node.stop());

describe('hardening', () => {
  it('refuses oversized bodies with 413, on login too (before any password hashing)', async () => {
    const big = 'x'.repeat(20_000);
    for (const [path, token] of [['/api/v1/query', node.tokens.viewer], ['/api/v1/auth/login', undefined], ['/api/v1/tokens', node.tokens.admin], ['/api/v1/config/apply', node.tokens.admin]] as const) {
      const res = await node.send('POST', path, { sql: big, username: big, password: big }, token);
      expect(res.status, path).toBe(413);
    }
  });

  it('sends the security headers, without HSTS on plain HTTP', async () => {
    const res = await node.get('/api/v1/tags', node.tokens.viewer);
    const h = Object.fromEntries(res.headers);
    expect(h).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
      'cross-origin-opener-policy': 'same-origin',
    });
    expect(h['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(h['strict-transport-security']).toBeUndefined();
  });

  it('answers login 404 on a node without local users, and never leaks which part was wrong', async () => {
    const res = await node.send('POST', '/api/v1/auth/login', { username: 'a', password: 'b' });
    expect(res.status).toBe(404);
  });
});

describe('stream sessions', () => {
  it('closes a stream whose token is revoked, at the next heartbeat', async () => {
    const hb = await startTestNode({ stream: { heartbeatMs: 50 } });
    try {
      const { token, id } = await hb.deps.tokens.create({ role: 'viewer', name: 'kiosk' });
      const { default: WebSocket } = await import('ws');
      const ws = new WebSocket(`${hb.server.url.replace('http', 'ws')}/api/v1/stream?token=${token}`);
      await new Promise((r) => ws.once('open', r));
      const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
      await hb.deps.tokens.revoke(id);
      expect(await closed).toBe(4401);
    } finally {
      await hb.stop();
    }
  });
});
