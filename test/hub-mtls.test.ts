import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSiteConfig } from '../src/config/index.js';
import { startHub, type Hub } from '../src/hub/index.js';
import { startEdgeNode, type EdgeNode } from '../src/node/edge-node.js';
import { clientTlsOptions, createSiteCa, issueCertificate, tlsPaths, writeSecretFile, type CertKeyPair } from '../src/security/index.js';
import { HubClient } from '../src/sync/index.js';
import { tempDir } from './secure-node-fixture.js';

// Site and hub over mutual TLS: the hub lets in only clients showing a
// certificate from the site CA, and an edge node's uplink shows its own.
const dir = tempDir('fabrik-hub-mtls-');
let siteCa: CertKeyPair;
let hub: Hub;
let node: EdgeNode | undefined;

function post(url: string, body: unknown, opts: { client: CertKeyPair; token: string }): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', ca: siteCa.certPem, cert: opts.client.certPem, key: opts.client.keyPem, headers: { authorization: `Bearer ${opts.token}`, 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve(JSON.parse(text)));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

beforeAll(async () => {
  siteCa = await createSiteCa({ commonName: 'Test site CA' });
  const hubLeaf = await issueCertificate({ ca: siteCa, commonName: 'hub', names: ['127.0.0.1'] });
  hub = await startHub({ dataDir: join(dir, 'hub'), port: 0, logger: pino({ level: 'silent' }), tls: { cert: hubLeaf.certPem, key: hubLeaf.keyPem, ca: siteCa.certPem, clientAuth: 'require' } });
}, 60_000);

afterAll(async () => {
  await node?.stop();
  await hub?.close();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('site uplink over mutual TLS', () => {
  it('refuses a client without a certificate, and the node enrols and syncs showing its site certificate', async () => {
    const operator = await issueCertificate({ ca: siteCa, commonName: 'operator', usage: 'client' });
    const admin = readFileSync(hub.adminTokenFile!, 'utf8').trim();
    const { token } = (await post(`${hub.url}/api/v1/enrolments`, { siteId: 'plant' }, { client: operator, token: admin })) as { token: string };
    await expect(new HubClient({ url: hub.url, tls: clientTlsOptions({ ca: siteCa.certPem }) }).enrol(token, 'plant')).rejects.toThrow(/cannot be reached/);

    const dataDir = join(dir, 'node');
    const leaf = await issueCertificate({ ca: siteCa, commonName: 'edge-1', names: ['127.0.0.1'] });
    const p = tlsPaths(dataDir);
    mkdirSync(join(dataDir, 'pki'), { recursive: true });
    writeFileSync(p.caCert, siteCa.certPem);
    writeFileSync(p.cert, leaf.certPem);
    await writeSecretFile(p.key, leaf.keyPem);
    writeFileSync(join(dir, 'enrol.token'), token);
    const config = parseSiteConfig({
      site: { id: 'plant', name: 'Plant', enterprise: 'acme' },
      security: { tls: 'required' },
      sync: { hub: hub.url, enrolmentTokenFile: join(dir, 'enrol.token'), healthEvery: '1s', uplink: { retryMin: '100ms', retryMax: '800ms', contactEvery: '1s' } },
    });
    node = await startEdgeNode({ config, dataDir, host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }), seed: 1, tickMs: 200 });
    for (let i = 0; i < 150 && node.sync!.status().lastSuccess === undefined; i++) await new Promise((r) => setTimeout(r, 200));
    expect(node.sync!.status()).toMatchObject({ enabled: true, state: 'connected', lastSuccess: expect.any(Number) });
  }, 90_000);
});
