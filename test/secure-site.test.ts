import { readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseSiteConfigText } from '../src/config/index.js';
import { startEdgeNode, type EdgeNode } from '../src/node/edge-node.js';
import { createSiteCa } from '../src/security/index.js';
import { runCli, startCli, type NodeProcess } from './cli-process.js';
import { DEMO_TEXT, httpsJson, tempDir } from './secure-node-fixture.js';

// `fabrik init` → a node serving only TLS with the site's certificate → log in,
// get throttled, audit verified and tamper-detected by `fabrik audit verify`.
let root: string;
let site: string;
let data: string;
let ca: string;
let password: string;
let node: NodeProcess;

beforeAll(async () => {
  root = tempDir('fabrik-site-');
  site = join(root, 'site');
  data = join(root, 'data');
  const init = await runCli(['init', '--site-dir', site, '--data-dir', data, '--site-id', 'plant9', '--name', 'edge-1.plant9.local']);
  expect(init.code, init.stderr).toBe(0);
  password = /admin password\s+(\S+)/.exec(init.stdout)![1]!;
  ca = readFileSync(join(site, 'pki', 'ca.crt'), 'utf8');
  node = await startCli(['node', '--config', join(site, 'site.signed.yaml'), '--data-dir', data, '--http-port', '0', '--host', '127.0.0.1'], { env: { FABRIK_LOG_LEVEL: 'warn' } });
}, 60_000);
afterAll(async () => {
  if (node && node.child.exitCode === null) {
    node.child.kill('SIGTERM');
    await node.exited;
  }
  rmSync(root, { recursive: true, force: true });
});

describe('a site made by fabrik init', () => {
  it('keeps private keys and credentials in 0600 files', () => {
    for (const f of [join(site, 'pki', 'ca.key'), join(site, 'keys', 'config-signing.key'), join(data, 'secrets', 'node.key'), join(data, 'secrets', 'users.json'), join(data, 'secrets', 'admin.token')]) {
      expect(statSync(f).mode & 0o777, f).toBe(0o600);
    }
    expect(readFileSync(join(data, 'secrets', 'users.json'), 'utf8')).not.toContain(password);
  });

  it('serves HTTPS with the site certificate and refuses a client that trusts another CA, or plain HTTP', async () => {
    expect(node.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const health = await httpsJson(`${node.url}/healthz`, { ca });
    expect(health.status).toBe(200);
    expect(health.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(health.headers['x-content-type-options']).toBe('nosniff');
    const rogue = await createSiteCa({ commonName: 'rogue' });
    await expect(httpsJson(`${node.url}/healthz`, { ca: rogue.certPem })).rejects.toMatchObject({ code: expect.stringMatching(/UNABLE_TO_VERIFY|SELF_SIGNED|UNABLE_TO_GET_ISSUER/) });
    await expect(fetch(`${node.url.replace('https', 'http')}/healthz`)).rejects.toThrow();
  });

  it('logs the admin in with the password init printed, and answers the signed version', async () => {
    const login = await httpsJson(`${node.url}/api/v1/auth/login`, { ca, method: 'POST', body: { username: 'admin', password } });
    expect(login.status).toBe(200);
    const { token, role, expiresAt } = login.body as { token: string; role: string; expiresAt: number };
    expect(role).toBe('admin');
    expect(expiresAt).toBeGreaterThan(Date.now() + 11 * 3_600_000);
    expect((await httpsJson(`${node.url}/api/v1/config/version`, { ca, token })).body).toMatchObject({ version: 1, enforcing: true, siteId: 'plant9' });
    const status = await runCli(['config', 'status', '--url', node.url, '--token', token], { env: { FABRIK_CA: join(site, 'pki', 'ca.crt') } });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('"version": 1');

    const ws = new WebSocket(`${node.url.replace('https', 'wss')}/api/v1/stream?token=${token}`, { ca });
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    const frame = new Promise<string>((r) => ws.once('message', (d) => r(d.toString())));
    ws.send(JSON.stringify({ type: 'subscribe', events: true }));
    expect(JSON.parse(await frame)).toMatchObject({ type: 'subscribed', events: true });
    ws.close();
  });

  it('throttles password guessing per account with 429 and Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await httpsJson(`${node.url}/api/v1/auth/login`, { ca, method: 'POST', body: { username: 'admin', password: `guess-${i}-xxxxxxx` } })).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    // Even the right password waits out the lockout.
    const locked = await httpsJson(`${node.url}/api/v1/auth/login`, { ca, method: 'POST', body: { username: 'admin', password } });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(locked.body).toMatchObject({ error: { code: 'LOGIN_THROTTLED' } });
  });

  it('fabrik audit verify passes on the real log and fails once an entry is edited', async () => {
    node.child.kill('SIGTERM');
    expect((await node.exited).code).toBe(0);
    const ok = await runCli(['audit', 'verify', '--data-dir', data]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/OK — \d+ entries/);
    const show = await runCli(['audit', 'show', '--data-dir', data, '--action', 'auth.login']);
    expect(show.stdout).toMatch(/ok\s+auth\.login\s+user:admin/);
    expect(show.stdout).toMatch(/denied\s+auth\.login/);
    const log = join(data, 'audit', 'audit.jsonl');
    writeFileSync(log, readFileSync(log, 'utf8').replace('"outcome":"denied"', '"outcome":"ok"'));
    const bad = await runCli(['audit', 'verify', '--data-dir', data]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/TAMPERED.*\n.*edited/);
  });
});

describe('office users through OIDC', () => {
  let idp: Server;
  let edge: EdgeNode;
  let dir: string;
  let sign: (groups: string[]) => Promise<string>;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'office-1', alg: 'RS256' };
    idp = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(req.url === '/jwks' ? { keys: [jwk] } : { jwks_uri: `${issuer}/jwks` }));
    });
    await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
    const issuer = `http://127.0.0.1:${(idp.address() as { port: number }).port}`;
    sign = (groups) => new SignJWT({ groups, preferred_username: 'quality.lead' }).setProtectedHeader({ alg: 'RS256', kid: 'office-1' }).setIssuer(issuer).setAudience('fabrik-office').setSubject('ql-1').setExpirationTime('10m').sign(privateKey);
    const text = DEMO_TEXT.replace(/^security:\n  tls: off\n/m, `security:\n  tls: off\n  oidc:\n    issuer: ${issuer}\n    audience: fabrik-office\n    roles: { quality: engineer, office: viewer }\n`);
    dir = tempDir('fabrik-oidc-');
    writeFileSync(join(dir, 'admin-password'), 'from a kubernetes secret\n');
    edge = await startEdgeNode({ config: parseSiteConfigText(text), dataDir: dir, host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }), seed: 5, tickMs: 200, bootstrapAdminPasswordFile: join(dir, 'admin-password') });
  });
  afterAll(async () => {
    await edge?.stop();
    idp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the bootstrap admin from a mounted password file (no shell in a pod)', async () => {
    const res = await fetch(`${edge.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'from a kubernetes secret' }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ role: 'admin' });
  });

  it('accepts identity-provider tokens with the mapped role, on routes and the stream', async () => {
    const engineer = await sign(['quality']);
    const get = (path: string, token: string) => fetch(`${edge.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await get('/api/v1/tags', engineer)).status).toBe(200);
    expect((await get('/api/v1/tokens', engineer)).status).toBe(403);
    expect((await get('/api/v1/tags', await sign(['visitors']))).status).toBe(401);
    const ws = new WebSocket(`${edge.url.replace('http', 'ws')}/api/v1/stream`, { headers: { authorization: `Bearer ${await sign(['office'])}` } });
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    ws.close();
  });
});

describe('the demo with TLS on', () => {
  it('fabrik demo --tls serves HTTPS with a demo CA it creates in the data dir, one node per line querying each other over HTTPS', async () => {
    const dir = tempDir('fabrik-demo-tls-');
    const demo = await startCli(['demo', '--tls', '--data-dir', dir, '--http-port', '0'], { env: { FABRIK_LOG_LEVEL: 'warn' } });
    try {
      expect(demo.url).toMatch(/^https:/);
      const ca = readFileSync(join(dir, 'pki', 'ca.crt'), 'utf8');
      expect((await httpsJson(`${demo.url}/readyz`, { ca })).status).toBe(200);
      expect(demo.output()).toContain('FABRIK_CA');
      // One node per line, talking HTTPS to each other: a site query on line1 covers line2.
      expect(demo.output()).toMatch(/node line2\s+https:/);
      const token = readFileSync(join(dir, 'line1', 'secrets', 'admin.token'), 'utf8').trim();
      let nodes: { node: string; state: string }[] = [];
      for (let i = 0; i < 100 && nodes.filter((n) => n.state === 'answered').length < 2; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 200));
        const res = await httpsJson(`${demo.url}/api/v1/query`, { ca, token, method: 'POST', body: { sql: 'SELECT count(*) FROM samples', scope: 'site' } });
        nodes = (res.body as { nodes?: { node: string; state: string }[] }).nodes ?? [];
      }
      expect(nodes.filter((n) => n.state === 'answered').map((n) => n.node).sort()).toEqual(['line1', 'line2']);
    } finally {
      demo.child.kill('SIGTERM');
      await demo.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
