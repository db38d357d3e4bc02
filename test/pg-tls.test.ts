import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSiteConfig } from '../src/config/index.js';
import { startEdgeNode, type EdgeNode } from '../src/node/edge-node.js';
import { createSiteCa, issueCertificate, tlsPaths } from '../src/security/index.js';
import { DEMO_CONFIG } from './edge-node-fixture.js';
import { tempDir } from './secure-node-fixture.js';

// The PostgreSQL endpoint makes the same TLS decision as the API: with the
// node's certificate it serves only TLS (sslmode=require), verified against
// the site CA; a plain-text client gets PostgreSQL's own FATAL, a client that
// trusts another CA fails the handshake.
const run = promisify(execFile);
// psql comes from Debian's postgresql-client: .ci/run installs it; elsewhere the psql case runs when it is there.
const hasPsql = process.env.CI === 'true' || (await run('psql', ['--version']).then(() => true, () => false));
let dir: string;
let node: EdgeNode;
let ca: string;

beforeAll(async () => {
  dir = tempDir('fabrik-pgtls-');
  const site = await createSiteCa({ commonName: 'pg tls test CA' });
  const leaf = await issueCertificate({ ca: site, commonName: 'edge-1', names: ['localhost', '127.0.0.1'] });
  const p = tlsPaths(dir);
  mkdirSync(dirname(p.cert), { recursive: true });
  mkdirSync(dirname(p.key), { recursive: true });
  writeFileSync(p.caCert, site.certPem);
  writeFileSync(p.cert, leaf.certPem);
  writeFileSync(p.key, leaf.keyPem, { mode: 0o600 });
  ca = site.certPem;
  const config = loadSiteConfig(DEMO_CONFIG);
  config.security.tls = 'required';
  node = await startEdgeNode({ config, dataDir: dir, host: '127.0.0.1', port: 0, pgPort: 0, logger: pino({ level: 'silent' }), seed: 5, tickMs: 200 });
}, 60_000);
afterAll(async () => {
  await node?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const client = (ssl: pg.ClientConfig['ssl']) =>
  new pg.Client({ host: '127.0.0.1', port: node.pgPort!, user: 'fabrik', database: 'demo', password: node.adminToken.token, ssl, connectionTimeoutMillis: 10_000 });

describe('PostgreSQL endpoint over TLS', () => {
  it('answers a client that verifies the site CA', async () => {
    expect(node.url).toMatch(/^https:/);
    const c = client({ ca, servername: 'localhost' });
    await c.connect();
    try {
      const r = await c.query('select 41 + 1 as answer');
      expect(r.rows).toEqual([{ answer: 42 }]);
      expect((c as unknown as { connection: { stream: { encrypted?: boolean } } }).connection.stream.encrypted).toBe(true);
    } finally {
      await c.end();
    }
  });

  it('refuses a plain-text startup with a FATAL that says how to connect', async () => {
    const c = client(false);
    await expect(c.connect()).rejects.toThrow(/needs TLS/);
    await c.end().catch(() => undefined);
  });

  it('fails the handshake for a client that trusts another CA', async () => {
    const rogue = await createSiteCa({ commonName: 'rogue' });
    const c = client({ ca: rogue.certPem, servername: 'localhost' });
    await expect(c.connect()).rejects.toThrow(/certificate|self.signed|verify/i);
    await c.end().catch(() => undefined);
  });

  it.runIf(hasPsql)('serves psql with sslmode=verify-full', async () => {
    const caFile = join(dir, 'ca-for-psql.crt');
    writeFileSync(caFile, ca);
    const conn = `host=localhost port=${node.pgPort} user=fabrik dbname=demo sslmode=verify-full sslrootcert=${caFile}`;
    const out = await run('psql', [conn, '-At', '-c', 'select 7 * 6'], { env: { ...process.env, PGPASSWORD: node.adminToken.token } });
    expect(out.stdout.trim()).toBe('42');
  });
});
