import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type Server, type TlsOptions } from 'node:tls';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeSecretFile } from './secret-file.js';
import { createSiteCa, issueCertificate, type CertKeyPair } from './site-pki.js';
import { clientTlsOptions, listenerTls, loadTlsMaterial, tlsPaths, type TlsMaterial } from './tls-options.js';

let ca: CertKeyPair;
let otherCa: CertKeyPair;
let node: TlsMaterial;
let dir: string;
beforeAll(async () => {
  ca = await createSiteCa({ commonName: 'site CA' });
  otherCa = await createSiteCa({ commonName: 'rogue CA' });
  const leaf = await issueCertificate({ ca, commonName: 'edge-1', names: ['localhost', '127.0.0.1'] });
  node = { cert: leaf.certPem, key: leaf.keyPem, ca: ca.certPem, source: 'test' };
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fabrik-tls-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function serve(opts: TlsOptions): Promise<{ server: Server; port: number }> {
  const server = createServer(opts, (s) => s.end('hello\n'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port };
}

function handshake(port: number, opts: object): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, servername: 'localhost', ...opts }, () => {
      s.once('data', (d) => {
        resolve(d.toString().trim());
        s.end();
      });
    });
    s.once('error', reject);
    // With TLS 1.3 the server refuses a client certificate after the client's side of the handshake is done.
    s.once('close', () => reject(new Error('connection closed before the server answered')));
  });
}

describe('TLS options', () => {
  it('loads the data dir material written by init and serves TLS the site CA accepts', async () => {
    const p = tlsPaths(dir);
    await writeSecretFile(p.cert, node.cert);
    await writeSecretFile(p.key, node.key);
    await writeSecretFile(p.caCert, ca.certPem);
    const material = await loadTlsMaterial({ dataDir: dir });
    expect(material?.ca).toBe(ca.certPem);
    const decision = listenerTls({ listener: 'test', host: '0.0.0.0', mode: 'auto', material });
    const { server, port } = await serve(decision.tls!);
    try {
      expect(await handshake(port, clientTlsOptions({ ca: ca.certPem }))).toBe('hello');
    } finally {
      server.close();
    }
  });

  it('refuses the handshake when the client trusts another CA', async () => {
    const { server, port } = await serve(listenerTls({ listener: 'test', host: '127.0.0.1', mode: 'required', material: node }).tls!);
    try {
      await expect(handshake(port, clientTlsOptions({ ca: otherCa.certPem }))).rejects.toMatchObject({ code: expect.stringMatching(/UNABLE_TO_VERIFY|SELF_SIGNED|UNABLE_TO_GET_ISSUER/) });
    } finally {
      server.close();
    }
  });

  it('with mutual TLS, refuses clients without a certificate or with one from another CA', async () => {
    const { server, port } = await serve(listenerTls({ listener: 'test', host: '127.0.0.1', mode: 'required', material: node, clientAuth: 'require' }).tls!);
    const rogue = await issueCertificate({ ca: otherCa, commonName: 'intruder' });
    const peer = await issueCertificate({ ca, commonName: 'edge-2' });
    try {
      expect(await handshake(port, clientTlsOptions({ cert: peer.certPem, key: peer.keyPem, ca: ca.certPem, source: 'peer' }))).toBe('hello');
      await expect(handshake(port, clientTlsOptions({ ca: ca.certPem }))).rejects.toThrow();
      await expect(handshake(port, clientTlsOptions({ cert: rogue.certPem, key: rogue.keyPem, ca: ca.certPem, source: 'rogue' }))).rejects.toThrow();
    } finally {
      server.close();
    }
  });

  it('serves plain text only when off, or on loopback without certificates; refuses otherwise', () => {
    expect(listenerTls({ listener: 'HTTP API', host: '0.0.0.0', mode: 'off', material: node }).tls).toBeNull();
    expect(listenerTls({ listener: 'HTTP API', host: '127.0.0.1', mode: 'auto', material: null }).tls).toBeNull();
    expect(() => listenerTls({ listener: 'HTTP API', host: '0.0.0.0', mode: 'auto', material: null })).toThrow(/without TLS.*fabrik init/);
    expect(() => listenerTls({ listener: 'HTTP API', host: '127.0.0.1', mode: 'required', material: null })).toThrow(/TLS/);
  });

  it('refuses a certificate that does not match its key or was not issued by the CA', async () => {
    const p = tlsPaths(dir);
    const stranger = await issueCertificate({ ca: otherCa, commonName: 'x' });
    await writeSecretFile(p.cert, stranger.certPem);
    await writeSecretFile(p.key, stranger.keyPem);
    await writeSecretFile(p.caCert, ca.certPem);
    await expect(loadTlsMaterial({ dataDir: dir })).rejects.toMatchObject({ code: 'PKI_INVALID' });
    await writeSecretFile(p.key, node.key);
    await expect(loadTlsMaterial({ dataDir: dir })).rejects.toThrow(/do not belong together/);
  });
});
