import { X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { OPCUACertificateManager } from 'node-opcua';
import { OpcuaError } from './errors.js';

/** A server certificate in the client's trust list or waiting in rejected/. */
export interface ServerCertificate {
  /** SHA-1 thumbprint, lower-case hex: what `trustCertificate` takes. */
  thumbprint: string;
  commonName: string;
  /** The server's application URI (subjectAltName URI), when present. */
  applicationUri: string | null;
  /** Validity, ISO 8601. */
  validFrom: string;
  validTo: string;
  file: string;
  /** Epoch ms the file was written: when it was rejected or trusted. */
  since: number;
}

/** @deprecated kept for callers of the first version; same shape as ServerCertificate. */
export type RejectedCertificate = ServerCertificate;

// node-opcua names stored certificates "<commonName>[<sha1 thumbprint>].pem".
const STORED_NAME = /^(.*)\[([0-9a-f]{40})\]\.(?:pem|der)$/i;

/** Live managers per PKI folder, so a trust decision reaches running clients at once. */
const live = new Map<string, Set<OPCUACertificateManager>>();

/**
 * Opens (creating on first use) the client PKI under `pkiDir`: own
 * certificate and key, trusted/, rejected/. Unknown server certificates are
 * rejected, never trusted automatically.
 */
export async function openClientPki(pkiDir: string): Promise<{ manager: OPCUACertificateManager; release: () => Promise<void> }> {
  const root = path.resolve(pkiDir);
  const manager = new OPCUACertificateManager({ rootFolder: root, automaticallyAcceptUnknownCertificate: false, name: 'fabrik' });
  await manager.initialize();
  let set = live.get(root);
  if (!set) live.set(root, (set = new Set()));
  set.add(manager);
  const owned = set;
  return {
    manager,
    release: async () => {
      owned.delete(manager);
      await manager.dispose();
    },
  };
}

/** Server certificates that were refused and can be trusted with `trustCertificate`, oldest first. */
export function listRejectedCertificates(pkiDir: string): Promise<ServerCertificate[]> {
  return readCertificates(path.join(path.resolve(pkiDir), 'rejected'));
}

/** Server certificates the client accepts, oldest first. */
export function listTrustedCertificates(pkiDir: string): Promise<ServerCertificate[]> {
  return readCertificates(path.join(path.resolve(pkiDir), 'trusted', 'certs'));
}

async function readCertificates(folder: string): Promise<ServerCertificate[]> {
  let names: string[];
  try {
    names = await fs.readdir(folder);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: ServerCertificate[] = [];
  for (const name of names) {
    if (!/\.(?:pem|der|crt)$/i.test(name)) continue;
    const file = path.join(folder, name);
    const [bytes, stat] = await Promise.all([fs.readFile(file), fs.stat(file)]);
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(bytes);
    } catch {
      continue; // not a certificate: node-opcua never writes such files, a stray file is not ours to judge
    }
    const stored = STORED_NAME.exec(name);
    const uri = /URI:([^,\s]+)/.exec(cert.subjectAltName ?? '');
    out.push({
      thumbprint: cert.fingerprint.replace(/:/g, '').toLowerCase(),
      commonName: /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1] ?? stored?.[1] ?? '',
      applicationUri: uri?.[1] ?? null,
      validFrom: new Date(cert.validFrom).toISOString(),
      validTo: new Date(cert.validTo).toISOString(),
      file,
      since: stat.mtimeMs,
    });
  }
  return out.sort((a, b) => a.since - b.since);
}

/**
 * Moves a rejected server certificate to the trust list; clients using the
 * same `pkiDir` accept that server from their next connection attempt.
 * Throws OPCUA_CERTIFICATE_NOT_FOUND when no rejected certificate has that thumbprint.
 */
export async function trustCertificate(pkiDir: string, thumbprint: string): Promise<ServerCertificate> {
  const root = path.resolve(pkiDir);
  const wanted = thumbprint.toLowerCase().replace(/[^0-9a-f]/g, '');
  const found = (await listRejectedCertificates(root)).find((c) => c.thumbprint === wanted);
  if (!found) {
    throw new OpcuaError('OPCUA_CERTIFICATE_NOT_FOUND', `no rejected certificate with thumbprint ${thumbprint} under ${root}/rejected; list them with listRejectedCertificates()`);
  }
  const trusted = path.join(root, 'trusted', 'certs');
  await fs.mkdir(trusted, { recursive: true });
  const target = path.join(trusted, path.basename(found.file));
  await fs.rename(found.file, target);
  // Managers cache their trust lists; reload so a running client sees the decision now.
  await Promise.all([...(live.get(root) ?? [])].map((m) => m.reloadCertificates()));
  return { ...found, file: target, since: Date.now() };
}
