import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ROLES, type Role } from '../src/security/index.js';
import { startTestNode, type RunningNode } from './edge-node-fixture.js';

// The route × role matrix: every route registered on a real node's app — today's and
// those added later by other capabilities — with every role, no token, an expired, a
// revoked, a malformed and a tampered token. The route list comes from the app itself.

interface Route {
  method: string;
  path: string;
  access: Role | 'public' | null;
}

let n: RunningNode;
let routes: Route[];
const tokens = {} as Record<Role, string>;
let expired: string;
let revoked: string;
let tampered: string;

async function mint(body: Record<string, unknown>): Promise<{ id: string; token: string }> {
  const res = await n.api('/api/v1/tokens', { json: body });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; token: string };
}

beforeAll(async () => {
  n = await startTestNode();
  for (const role of ROLES) tokens[role] = (await mint({ role, name: `matrix ${role}` })).token;
  expired = (await mint({ role: 'admin', name: 'expired', ttl: 1 })).token;
  const gone = await mint({ role: 'admin', name: 'revoked' });
  expect((await n.api(`/api/v1/tokens/${gone.id}`, { method: 'DELETE' })).status).toBe(200);
  revoked = gone.token;
  const last = n.token.at(-1)!;
  tampered = `${n.token.slice(0, -1)}${last === 'A' ? 'B' : 'A'}`;
  const res = await n.api('/api/v1/auth/routes');
  expect(res.status).toBe(200);
  routes = ((await res.json()) as { routes: Route[] }).routes;
});
afterAll(async () => {
  await n?.close();
});

const concrete = (path: string) => path.replace(/:[^/]+/g, 'x').replace(/\*/g, 'x');
const isEndpoint = (r: Route) => r.path.startsWith('/api/') && !(r.method === 'ALL' && r.path === '/api/*');

function call(r: Route, token: string | null): Promise<Response> {
  const method = r.method === 'ALL' ? 'GET' : r.method;
  const body = ['POST', 'PUT', 'PATCH'].includes(method) ? {} : undefined;
  return n.api(concrete(r.path), { method, token, ...(body ? { json: body } : {}) });
}

describe('route × role matrix', () => {
  it('walks a non-trivial route table in which every API route declares its role', () => {
    const paths = routes.filter(isEndpoint).map((r) => `${r.method} ${r.path}`);
    for (const known of ['POST /api/v1/query', 'GET /api/v1/tags', 'GET /api/v1/tokens', 'GET /api/v1/audit', 'POST /api/v1/auth/login', 'POST /api/v1/config/apply']) {
      expect(paths).toContain(known);
    }
    expect(routes.filter((r) => r.path.startsWith('/api') && r.access === null)).toEqual([]);
    // Outside /api only the probes, the metrics, the web app (and EdgeLake's GET / beside it)
    // and the fabric's node-to-node routes are registered; the latter check the site token.
    const outside = routes.filter((r) => !r.path.startsWith('/api')).map((r) => r.path);
    for (const p of outside) expect(['/healthz', '/readyz', '/metrics', '/', '/*', '/fabric/v1/*', '/fabric/v1/catalogue', '/fabric/v1/partial']).toContain(p);
  });

  it('refuses the node-to-node fabric routes without the site token or an API token', async () => {
    for (const r of routes.filter((x) => x.path.startsWith('/fabric/v1/') && x.method !== 'ALL')) {
      for (const token of [null, expired, revoked, 'fbk_nope', tampered]) {
        const res = await call(r, token);
        expect(res.status, `${r.method} ${r.path}`).toBe(401);
      }
      expect([401, 403], `${r.method} ${r.path} as viewer`).not.toContain((await call(r, tokens.viewer)).status);
    }
  });

  it('answers 401 to every non-public route without a token and with expired, revoked, malformed or tampered tokens', async () => {
    for (const r of routes.filter(isEndpoint)) {
      if (r.access === 'public') continue;
      for (const [label, token] of [['none', null], ['expired', expired], ['revoked', revoked], ['malformed', 'fbk_nope'], ['tampered', tampered]] as const) {
        const res = await call(r, token);
        expect(res.status, `${r.method} ${r.path} with ${label} token`).toBe(401);
      }
    }
  });

  it('answers 403 below the declared role and lets the role and those above it through', async () => {
    for (const r of routes.filter(isEndpoint)) {
      if (r.access === 'public' || r.access === null) continue;
      const need = ROLES.indexOf(r.access);
      for (const role of ROLES) {
        const res = await call(r, tokens[role]);
        const where = `${r.method} ${r.path} as ${role} (needs ${r.access})`;
        if (ROLES.indexOf(role) < need) {
          expect(res.status, where).toBe(403);
          expect(((await res.json()) as { error: { code: string } }).error.code, where).toBe('FORBIDDEN');
        } else {
          expect([401, 403], `${where}: ${res.status}`).not.toContain(res.status);
        }
      }
    }
  });

  it('serves public routes without a token', async () => {
    for (const r of routes.filter((x) => isEndpoint(x) && x.access === 'public')) {
      expect([401, 403], `${r.method} ${r.path}`).not.toContain((await call(r, null)).status);
    }
  });

  it('holds scoped tokens to their API areas', async () => {
    const scoped = (await mint({ role: 'engineer', name: 'grafana', scopes: ['tags:read', 'query'] })).token;
    expect((await n.api('/api/v1/tags', { token: scoped })).status).toBe(200);
    expect((await n.api('/api/v1/query', { token: scoped, json: { sql: 'select 1' } })).status).toBe(200);
    const refused = await n.api('/api/v1/events', { token: scoped });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'SCOPE_FORBIDDEN' } });
  });
});

describe('stream subscriptions', () => {
  const open = (token?: string) => new WebSocket(`${n.node.url.replace('http', 'ws')}/api/v1/stream${token ? `?token=${token}` : ''}`);
  const frame = (ws: WebSocket) => new Promise<{ type: string; error?: { code: string } }>((r) => ws.once('message', (d) => r(JSON.parse(d.toString()) as never)));

  it('refuses the upgrade without a valid token', async () => {
    for (const token of [undefined, expired, revoked, tampered]) {
      const ws = open(token);
      const status = await new Promise<number>((r) => ws.once('unexpected-response', (_req, res) => r(res.statusCode ?? 0)));
      expect(status).toBe(401);
    }
  });

  it('lets every role subscribe, and refuses subscriptions outside a token’s scopes', async () => {
    for (const role of ROLES) {
      const ws = open(tokens[role]);
      await new Promise((r) => ws.once('open', r));
      ws.send(JSON.stringify({ type: 'subscribe', tags: ['line1.*'], events: true }));
      expect((await frame(ws)).type).toBe('subscribed');
      ws.close();
    }
    const queryOnly = (await mint({ role: 'viewer', name: 'sql only', scopes: ['query'] })).token;
    const ws = open(queryOnly);
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'subscribe', tags: ['line1.*'] }));
    expect(await frame(ws)).toMatchObject({ type: 'error', error: { code: 'FORBIDDEN' } });
    ws.close();
  });
});
