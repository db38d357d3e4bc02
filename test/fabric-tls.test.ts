import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request, createServer as createHttpsServer, type Server } from 'node:https';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSiteConfig } from '../src/config/index.js';
import { seedSite, type SiteQueryResult } from '../src/fabric/index.js';
import { startEdgeNode, type EdgeNode } from '../src/node/edge-node.js';
import { PeerClient } from '../src/fabric/peer-client.js';
import { createSiteCa, issueCertificate, tlsAgent, tlsPaths, writeSecretFile, type CertKeyPair } from '../src/security/index.js';
import { tempDir } from './secure-node-fixture.js';

// A two-node site over HTTPS with mutual TLS required on every listener and
// no site token at all: the nodes know each other only by their certificates
// from the site CA. A third "peer" serves a certificate from another CA.
const root = tempDir('fabrik-fabric-tls-');
const MINUTE = 60_000;
const spec = { tagsPerLine: 2, from: Math.floor(Date.now() / MINUTE) * MINUTE - 60 * MINUTE, stepMs: MINUTE, samplesPerTag: 60 };
const nodes: EdgeNode[] = [];
const urls: string[] = [];
let siteCa: CertKeyPair;
let nodeCert: CertKeyPair;
let operatorCert: CertKeyPair;
let rogueLeaf: CertKeyPair;
let rogue: Server;
let rogueUrl = '';

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** GET over HTTPS trusting the site CA, optionally presenting a client certificate. */
function get(url: string, client?: CertKeyPair, token?: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: siteCa.certPem, ...(client ? { cert: client.certPem, key: client.keyPem } : {}), headers: token ? { authorization: `Bearer ${token}` } : {}, agent: false }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  siteCa = await createSiteCa({ commonName: 'Test site CA' });
  const rogueCa = await createSiteCa({ commonName: 'Rogue CA' });
  rogueLeaf = await issueCertificate({ ca: rogueCa, commonName: 'rogue', names: ['127.0.0.1'] });
  nodeCert = await issueCertificate({ ca: siteCa, commonName: 'line9', names: ['127.0.0.1'] });
  operatorCert = await issueCertificate({ ca: siteCa, commonName: 'operator', usage: 'client' });
  rogue = createHttpsServer({ cert: rogueLeaf.certPem, key: rogueLeaf.keyPem }, (_req, res) => res.end('{}'));
  await new Promise<void>((r) => rogue.listen(0, '127.0.0.1', r));
  rogueUrl = `https://127.0.0.1:${(rogue.address() as { port: number }).port}`;

  const ports = [await freePort(), await freePort()];
  for (const p of ports) urls.push(`https://127.0.0.1:${p}`);
  for (const line of [1, 2]) {
    const dataDir = join(root, `n${line}`);
    await seedSite(dataDir, { ...spec, lines: [line] });
    const leaf = await issueCertificate({ ca: siteCa, commonName: `line${line}`, names: ['127.0.0.1', 'localhost'] });
    const p = tlsPaths(dataDir);
    mkdirSync(join(dataDir, 'pki'), { recursive: true });
    writeFileSync(p.caCert, siteCa.certPem);
    writeFileSync(p.cert, leaf.certPem);
    await writeSecretFile(p.key, leaf.keyPem);
    const config = parseSiteConfig({
      site: { id: 'plant', name: 'Plant', enterprise: 'acme' },
      security: { tls: 'required', clientAuth: 'require' },
      fabric: { node: `line${line}`, peerTimeout: '5s', catalogueEvery: '2s', peers: [...urls, rogueUrl] },
    });
    nodes.push(await startEdgeNode({ config, dataDir, host: '127.0.0.1', port: ports[line - 1]!, logger: pino({ level: 'silent' }), seed: 1, tickMs: 200 }));
  }
  for (let i = 0; i < 150; i++) {
    if (nodes.every((n) => n.fabric.peerStatus().filter((p) => p.state === 'up').length === 1)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
}, 120_000);

afterAll(async () => {
  for (const n of nodes) await n.stop();
  rogue?.close();
  rmSync(root, { recursive: true, force: true });
}, 60_000);

describe('a site over mutual TLS', () => {
  it('serves HTTPS on every node and answers a site query from all of them, with no site token', async () => {
    expect(nodes.map((n) => n.url)).toEqual(urls);
    const r = (await nodes[0]!.fabric.query('SELECT count(*) AS n FROM samples', { maxRows: 100, timeoutMs: 20_000, scope: 'site' })) as SiteQueryResult;
    expect(Number(r.rows[0]![0])).toBe(2 * spec.tagsPerLine * spec.samplesPerTag);
    expect(r.nodes.filter((n) => n.state === 'answered').map((n) => n.node).sort()).toEqual(['line1', 'line2']);
  });

  it('names a peer whose certificate is from another CA as missing, and says why', async () => {
    const r = (await nodes[1]!.fabric.query('SELECT count(*) FROM samples', { maxRows: 100, timeoutMs: 20_000, scope: 'site' })) as SiteQueryResult;
    expect(r.partial).toBe(true);
    expect(r.missing).toHaveLength(1);
    expect(r.missing[0]!.url).toBe(rogueUrl);
    expect(r.missing[0]!.reason).toMatch(/does not verify against the site CA/);
    const status = nodes[1]!.fabric.peerStatus().find((p) => p.url === rogueUrl)!;
    expect(status.state).toBe('down');
    expect(status.error).toMatch(/does not verify against the site CA/);
    // The same status through the API, which itself requires a client certificate.
    const api = await get(`${urls[1]}/api/v1/fabric/peers`, operatorCert, nodes[1]!.adminToken.token);
    expect(api.status).toBe(200);
    expect(api.body.peers.find((p: { url: string }) => p.url === rogueUrl).error).toMatch(/site CA/);
  });

  it('lets a peer with a node certificate from the site CA into /fabric/v1 without a token, and refuses one without a certificate or with a rogue one', async () => {
    const ok = await get(`${urls[0]}/fabric/v1/catalogue`, nodeCert);
    expect(ok.status).toBe(200);
    expect(ok.body.node).toBe('line1');
    // A client-only certificate (a person's, a tool's) gets through the handshake but is no node: it needs a token.
    expect((await get(`${urls[0]}/fabric/v1/catalogue`, operatorCert)).status).toBe(401);
    expect((await get(`${urls[0]}/fabric/v1/catalogue`, operatorCert, nodes[0]!.adminToken.token)).status).toBe(200);
    await expect(get(`${urls[0]}/fabric/v1/catalogue`)).rejects.toThrow(/certificate required|alert|socket hang up|ECONNRESET/i);
    await expect(get(`${urls[0]}/fabric/v1/catalogue`, rogueLeaf)).rejects.toThrow(/unknown ca|alert|ECONNRESET|socket hang up/i);
  });

  it('says what to fix when a peer wants a client certificate this node lacks, or is not TLS at all', async () => {
    const caOnly = tlsAgent({ ca: siteCa.certPem });
    try {
      await expect(new PeerClient(urls[0]!, () => undefined, { agent: caOnly }).catalogue(5000)).rejects.toMatchObject({ code: 'FABRIC_PEER_TLS', message: expect.stringMatching(/requires a client certificate from the site CA/) });
    } finally {
      caOnly.destroy();
    }
    const plain = createHttpServer((_req, res) => res.end('{}'));
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
    try {
      const url = `https://127.0.0.1:${(plain.address() as { port: number }).port}`;
      await expect(new PeerClient(url, () => undefined).catalogue(5000)).rejects.toThrow(/does not speak TLS/);
    } finally {
      plain.close();
    }
  });

  it('checks a peer dialled by address against the name it was found under (DNS peers)', async () => {
    const agent = tlsAgent({ cert: nodeCert.certPem, key: nodeCert.keyPem, ca: siteCa.certPem, source: 'test' });
    try {
      // The nodes' certificates name localhost and 127.0.0.1, not the service name asked for.
      expect((await new PeerClient(urls[0]!, () => undefined, { agent, servername: 'localhost' }).catalogue(5000)).node).toBe('line1');
      await expect(new PeerClient(urls[0]!, () => undefined, { agent, servername: 'fabrik-edge.plant.svc' }).catalogue(5000)).rejects.toThrow(/does not name that host/);
    } finally {
      agent.destroy();
    }
  });
});
