import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Hub } from '../src/hub/index.js';
import { clientTlsOptions, createSiteCa, issueCertificate } from '../src/security/index.js';
import { HubClient } from '../src/sync/index.js';

/** The uplink over HTTPS: the hub serves a certificate from a CA the site trusts, and nothing else gets through. */
describe('hub over HTTPS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fabrik-hub-tls-'));
  let hub: Hub;
  let ca: string;

  beforeAll(async () => {
    const siteCa = await createSiteCa({ commonName: 'Test hub CA' });
    const leaf = await issueCertificate({ ca: siteCa, commonName: 'hub', names: ['127.0.0.1', 'localhost'] });
    ca = siteCa.certPem;
    hub = await startHub({ dataDir: dir, port: 0, logger: pino({ level: 'silent' }), tls: { cert: leaf.certPem, key: leaf.keyPem } });
  }, 60_000);

  afterAll(async () => {
    await hub?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('enrols and takes a batch over TLS checked against the CA, and refuses a client that does not trust it', async () => {
    expect(hub.url).toMatch(/^https:/);
    const admin = readFileSync(hub.adminTokenFile!, 'utf8').trim();
    const tls = clientTlsOptions({ ca });
    const res = await new Promise<string>((resolve, reject) => {
      // fetch cannot be given a CA; the enrolment token comes through the same client the site uses.
      import('node:https').then(({ request }) => {
        const req = request(`${hub.url}/api/v1/enrolments`, { method: 'POST', ...tls, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' } }, (r) => {
          let body = '';
          r.on('data', (d: Buffer) => (body += d.toString()));
          r.on('end', () => resolve(body));
        });
        req.on('error', reject);
        req.end('{}');
      }, reject);
    });
    const { token } = JSON.parse(res) as { token: string };
    await expect(new HubClient({ url: hub.url }).enrol(token, 'plant1')).rejects.toThrow(/certificate/);
    const { credential } = await new HubClient({ url: hub.url, tls }).enrol(token, 'plant1');
    const site = new HubClient({ url: hub.url, credential, tls });
    const sent = await site.sendBatch({
      siteId: 'plant1', epoch: 'tlsepoch01', stream: 'event', firstSeq: 1, lastSeq: 1, droppedThrough: 0, backfill: false, sentAt: Date.now(),
      items: [{ seq: 1, at: Date.now(), data: { id: 'e1', kind: 'spc.violation', ts: Date.now(), assetPath: 'acme/plant1', severity: 'high', message: 'rule 1', payload: {} } }],
    });
    expect(sent.ack).toMatchObject({ ackedThrough: 1, inserted: 1 });
  });
});
