import { promises as fs } from 'node:fs';
import path from 'node:path';
import { OPCUACertificateManager } from 'node-opcua';
import { OpcuaError } from './errors.js';

/** A server certificate the client refused, waiting for an engineer's decision. */
export interface RejectedCertificate {
  /** SHA-1 thumbprint, lower-case hex: what `trustCertificate` takes. */
  thumbprint: string;
  /** Subject common name as node-opcua recorded it in the file name. */
  commonName: string;
  file: string;
  /** Epoch ms the certificate was first rejected. */
  rejectedAt: number;
}

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

/** Server certificates that were refused and can be trusted with `trustCertificate`. */
export async function listRejectedCertificates(pkiDir: string): Promise<RejectedCertificate[]> {
  const folder = path.join(path.resolve(pkiDir), 'rejected');
  let names: string[];
  try {
    names = await fs.readdir(folder);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: RejectedCertificate[] = [];
  for (const name of names) {
    const m = STORED_NAME.exec(name);
    if (!m) continue;
    const file = path.join(folder, name);
    const stat = await fs.stat(file);
    out.push({ thumbprint: m[2]!.toLowerCase(), commonName: m[1]!, file, rejectedAt: stat.mtimeMs });
  }
  return out.sort((a, b) => a.rejectedAt - b.rejectedAt);
}

/**
 * Moves a rejected server certificate to the trust list; clients using the
 * same `pkiDir` accept that server from their next connection attempt.
 * Throws OPCUA_CERTIFICATE_NOT_FOUND when no rejected certificate has that thumbprint.
 */
export async function trustCertificate(pkiDir: string, thumbprint: string): Promise<void> {
  const root = path.resolve(pkiDir);
  const wanted = thumbprint.toLowerCase().replace(/[^0-9a-f]/g, '');
  const found = (await listRejectedCertificates(root)).find((c) => c.thumbprint === wanted);
  if (!found) {
    throw new OpcuaError('OPCUA_CERTIFICATE_NOT_FOUND', `no rejected certificate with thumbprint ${thumbprint} under ${root}/rejected; list them with listRejectedCertificates()`);
  }
  const trusted = path.join(root, 'trusted', 'certs');
  await fs.mkdir(trusted, { recursive: true });
  await fs.rename(found.file, path.join(trusted, path.basename(found.file)));
  // Managers cache their trust lists; reload so a running client sees the decision now.
  await Promise.all([...(live.get(root) ?? [])].map((m) => m.reloadCertificates()));
}
