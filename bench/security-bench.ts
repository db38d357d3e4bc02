import { request as httpsRequest } from 'node:https';
import { request as httpRequest, Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { startApiServer } from '../src/api/index.js';
import { apiSchema } from '../src/config/index.js';
import { Bus, TagRegistry } from '../src/core/index.js';
import { AuditLog, createSiteCa, issueCertificate, listenerTls, TokenStore, UserStore } from '../src/security/index.js';
import { generateSigningKey, parseSignedConfig, publicKeyFromPem, signConfig, verifySignedConfig } from '../src/security/index.js';
import type { Metric } from './metric.js';

function rate(n: number, ms: number): number {
  return Math.round((n * 1000) / ms);
}

function get(agent: HttpAgent | HttpsAgent, url: string, token: string, ca?: string): Promise<void> {
  const request = url.startsWith('https') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { authorization: `Bearer ${token}` }, ...(ca ? { ca } : {}) }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end();
  });
}

/** The costs security adds: token checks, audit appends, password hashing, signatures, TLS. */
export async function benchSecurity(opts: { quick: boolean; onProgress(m: string): void }): Promise<Record<string, Metric>> {
  const dir = mkdtempSync(join(tmpdir(), 'fabrik-bench-sec-'));
  try {
    const tokens = await TokenStore.open(dir);
    const { token } = await tokens.create({ role: 'viewer', name: 'bench' });
    const verifies = opts.quick ? 50_000 : 500_000;
    let t0 = performance.now();
    for (let i = 0; i < verifies; i++) tokens.verify(token);
    const verifyRate = rate(verifies, performance.now() - t0);

    opts.onProgress('security: audit appends (each synced to disk)');
    const audit = await AuditLog.open(dir);
    const appends = opts.quick ? 200 : 2000;
    t0 = performance.now();
    for (let i = 0; i < appends; i++) await audit.append({ actor: 'bench', action: 'http.post', target: '/api/v1/x', details: { i } });
    const appendRate = rate(appends, performance.now() - t0);
    t0 = performance.now();
    const check = await audit.verify();
    const verifyMs = performance.now() - t0;
    await audit.close();
    if (!check.ok) throw new Error('audit chain did not verify in the bench');

    opts.onProgress('security: password hashing (scrypt N=2^15)');
    const users = await UserStore.open(dir);
    await users.add({ name: 'bench', role: 'viewer', password: 'a long bench password' });
    const logins = opts.quick ? 3 : 10;
    t0 = performance.now();
    for (let i = 0; i < logins; i++) await users.verify('bench', 'a long bench password');
    const loginMs = (performance.now() - t0) / logins;

    const key = generateSigningKey();
    const signed = signConfig('site: { id: bench, name: Bench, enterprise: acme }\n', { privateKeyPem: key.privateKeyPem, version: 1 });
    const trusted = [publicKeyFromPem(key.publicKeyPem, 'bench')];
    t0 = performance.now();
    for (let i = 0; i < 1000; i++) verifySignedConfig(parseSignedConfig(signed), trusted);
    const sigMs = (performance.now() - t0) / 1000;

    opts.onProgress('security: API requests over HTTP and HTTPS, side by side');
    const ca = await createSiteCa({ commonName: 'bench CA' });
    const leaf = await issueCertificate({ ca, commonName: 'localhost', names: ['127.0.0.1'] });
    const material = { cert: leaf.certPem, key: leaf.keyPem, ca: ca.certPem, source: 'bench' };
    const tags = new TagRegistry();
    const deps = {
      tags,
      tokens,
      bus: new Bus(),
      query: async () => ({ columns: [], rows: [], truncated: false, elapsedMs: 0 }),
      latest: () => undefined,
      events: async () => [],
      health: () => ({ status: 'ok' as const, components: {} }),
      ready: () => true,
      metrics: new Registry(),
      config: { api: apiSchema.parse({ port: 0 }), siteId: 'bench', version: 'bench' },
    };
    const plain = await startApiServer({ deps, host: '127.0.0.1', port: 0 });
    const secure = await startApiServer({ deps: { ...deps, metrics: new Registry() }, host: '127.0.0.1', port: 0, tls: listenerTls({ listener: 'bench', host: '127.0.0.1', mode: 'required', material }).tls });
    const requests = opts.quick ? 500 : 5000;
    const measure = async (url: string, agent: HttpAgent | HttpsAgent, withCa?: string): Promise<number> => {
      const start = performance.now();
      for (let i = 0; i < requests; i += 10) await Promise.all(Array.from({ length: 10 }, () => get(agent, `${url}/api/v1/tags`, token, withCa)));
      return rate(requests, performance.now() - start);
    };
    const httpRate = await measure(plain.url, new HttpAgent({ keepAlive: true, maxSockets: 10 }));
    const httpsRate = await measure(secure.url, new HttpsAgent({ keepAlive: true, maxSockets: 10, ca: ca.certPem }), ca.certPem);
    const handshakes = opts.quick ? 50 : 300;
    t0 = performance.now();
    for (let i = 0; i < handshakes; i++) await get(new HttpsAgent({ keepAlive: false, ca: ca.certPem }), `${secure.url}/healthz`, token, ca.certPem);
    const handshakeMs = (performance.now() - t0) / handshakes;
    await plain.close();
    await secure.close();
    await tokens.close();
    await users.close();
    return {
      'security.token_verify_rate': { value: verifyRate, unit: 'verifies/s', target: '> 50000' },
      'security.audit_append_rate': { value: appendRate, unit: 'entries/s', target: '> 50 (each synced, head re-signed)' },
      'security.audit_verify_ms': { value: Math.round(verifyMs), unit: `ms for ${appends} entries`, target: '< 1000' },
      'security.login_password_check_ms': { value: Math.round(loginMs), unit: 'ms', target: '100-1000 (slow on purpose)' },
      'security.config_signature_verify_ms': { value: Number(sigMs.toFixed(3)), unit: 'ms', target: '< 5' },
      'security.api_http_rate': { value: httpRate, unit: 'requests/s', target: 'reference' },
      'security.api_https_rate': { value: httpsRate, unit: 'requests/s', target: '> 0.7 × http (keep-alive)' },
      'security.api_https_vs_http': { value: Number((httpsRate / httpRate).toFixed(2)), unit: 'ratio', target: '> 0.7' },
      'security.tls_handshake_ms': { value: Number(handshakeMs.toFixed(2)), unit: 'ms/new connection', target: '< 50' },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
