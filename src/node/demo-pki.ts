import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { checkCertificate, createSiteCa, issueCertificate, tlsPaths, writeSecretFile, type CertKeyPair } from '../security/index.js';

/** Where the demo keeps its CA key (the certificate is `<data-dir>/pki/ca.crt`, which clients trust). */
function demoCaKeyPath(dataDir: string): string {
  return join(dataDir, 'secrets', 'demo-ca.key');
}

/**
 * The demo's CA, made on first use and kept in the data dir, so `fabrik demo
 * --tls` needs no setup and a restart keeps the CA clients already trust.
 * A demo CA is for one machine's lab: a real site's CA comes from `fabrik init`.
 */
export async function openDemoCa(dataDir: string): Promise<CertKeyPair> {
  const certFile = tlsPaths(dataDir).caCert;
  const keyFile = demoCaKeyPath(dataDir);
  if (existsSync(certFile) && existsSync(keyFile)) return { certPem: await readFile(certFile, 'utf8'), keyPem: await readFile(keyFile, 'utf8') };
  const ca = await createSiteCa({ commonName: 'Fabrik demo CA' });
  await mkdir(dirname(certFile), { recursive: true });
  await writeFile(certFile, ca.certPem, { mode: 0o644 });
  await writeSecretFile(keyFile, ca.keyPem);
  return ca;
}

/** Names a demo node's certificate carries: loopback, plus the host it listens on when that is a specific address. */
export function demoCertificateNames(host: string): string[] {
  return ['localhost', '127.0.0.1', '::1', ...(host === '0.0.0.0' || host === '::' ? [] : [host])];
}

/**
 * Issues a node certificate from `ca` into the node's data dir (`pki/node.crt`,
 * `secrets/node.key`, and the CA as `pki/ca.crt`), where `loadTlsMaterial` finds them.
 */
export async function issueDemoNodeCertificate(ca: CertKeyPair, dataDir: string, commonName: string, host: string): Promise<void> {
  const p = tlsPaths(dataDir);
  const leaf = await issueCertificate({ ca, commonName, names: demoCertificateNames(host) });
  await mkdir(dirname(p.cert), { recursive: true });
  await writeFile(p.caCert, ca.certPem, { mode: 0o644 });
  await writeFile(p.cert, leaf.certPem, { mode: 0o644 });
  await writeSecretFile(p.key, leaf.keyPem);
}

/**
 * The single-node demo's certificate: kept while it still fits the demo CA
 * (a data dir from an older demo may hold one from a CA since replaced), else issued anew.
 */
export async function ensureDemoNodeCertificate(dataDir: string, host: string): Promise<void> {
  const p = tlsPaths(dataDir);
  const ca = await openDemoCa(dataDir);
  if (existsSync(p.cert) && existsSync(p.key)) {
    try {
      checkCertificate({ certPem: await readFile(p.cert, 'utf8'), keyPem: await readFile(p.key, 'utf8') }, ca.certPem);
      return;
    } catch {
      // stale or broken: issue a new one below
    }
  }
  await issueDemoNodeCertificate(ca, dataDir, 'fabrik-demo', host);
}
