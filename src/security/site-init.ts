import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFile, mkdir } from 'node:fs/promises';
import { parseSiteConfigText } from '../config/index.js';
import { SecurityError, SecurityErrorCode } from './errors.js';
import { generatePassword } from './password.js';
import { writeSecretFile } from './secret-file.js';
import { generateSigningKey, signConfig, trustDir } from './signed-config.js';
import { checkCertificate, createSiteCa, describeCertificate, issueCertificate, type CertKeyPair } from './site-pki.js';
import { tlsPaths } from './tls-options.js';
import { UserStore } from './user-store.js';

/** Options of `initSite` (the `fabrik init` command). */
export interface InitOptions {
  /** Where the site's own secrets go: CA key, config signing key, the config sources. Keep it off the nodes. */
  siteDir: string;
  /** The node's data dir: its certificate, trusted keys, admin user. */
  dataDir: string;
  siteId: string;
  enterprise: string;
  nodeName: string;
  /** Extra DNS names / IPs clients dial the node by. */
  names?: string[];
  /** Bring your own CA (PEM files); created when absent. */
  caCertFile?: string;
  caKeyFile?: string;
  /** Bring your own node certificate (PEM files); issued by the CA when absent. */
  nodeCertFile?: string;
  nodeKeyFile?: string;
  adminUser?: string;
  /** Overwrite an existing site. */
  force?: boolean;
}

/** What `initSite` made; the password is shown once and stored only as a hash. */
export interface InitResult {
  adminUser: string;
  adminPassword: string;
  configKeyId: string;
  caFingerprint: string;
  files: Record<string, string>;
}

const exists = (p: string) => access(p).then(() => true, () => false);

/** The starter site config: TLS required, signed configs, no devices yet. */
export function starterConfig(o: { siteId: string; enterprise: string }): string {
  return `# Site config of ${o.siteId}. Edit, then sign and apply:
#   fabrik config sign site.yaml --key keys/config-signing.key --version <n+1> --out site.signed.yaml
#   fabrik config apply site.signed.yaml        (or commit site.signed.yaml for GitOps)
site:
  id: ${o.siteId}
  name: ${o.siteId}
  enterprise: ${o.enterprise}
  timezone: UTC
assets:
  - { path: ${o.enterprise}, kind: enterprise }
  - { path: ${o.enterprise}/${o.siteId}, kind: site }
devices: []
api:
  host: 0.0.0.0
  port: 8443
security:
  tls: required              # every listener speaks TLS with the site CA's certificates
  clientAuth: none           # "require": mutual TLS on the API and between nodes
  sessionTtl: 12h
`;
}

/**
 * Creates a secure site from scratch: a site CA (or yours), the node's
 * certificate, an Ed25519 config signing key the node trusts, an admin user
 * with a random password, and a starter config signed as version 1.
 */
export async function initSite(o: InitOptions): Promise<InitResult> {
  const pki = join(o.siteDir, 'pki');
  const tls = tlsPaths(o.dataDir);
  const files = {
    caCert: join(pki, 'ca.crt'),
    caKey: join(pki, 'ca.key'),
    signingKey: join(o.siteDir, 'keys', 'config-signing.key'),
    signingPub: join(o.siteDir, 'keys', 'config-signing.pub'),
    siteConfig: join(o.siteDir, 'site.yaml'),
    signedConfig: join(o.siteDir, 'site.signed.yaml'),
    nodeCert: tls.cert,
    nodeKey: tls.key,
    nodeCa: tls.caCert,
    trustedKey: join(trustDir(o.dataDir), 'config-signing.pub'),
  };
  if (!o.force) {
    for (const f of [files.signingKey, files.nodeCert, files.siteConfig]) {
      if (await exists(f)) throw new SecurityError(SecurityErrorCode.PkiInvalid, `${f} exists: this site is already initialised; pass --force to replace it (old certificates and keys stop working)`);
    }
  }
  const ca = o.caCertFile || o.caKeyFile ? await readPair(o.caCertFile, o.caKeyFile, 'CA') : await createSiteCa({ commonName: `${o.siteId} site CA` });
  if (!describeCertificate(ca.certPem).ca) throw new SecurityError(SecurityErrorCode.PkiInvalid, `${o.caCertFile} is not a CA certificate (basicConstraints CA:TRUE)`);
  const node =
    o.nodeCertFile || o.nodeKeyFile
      ? await readPair(o.nodeCertFile, o.nodeKeyFile, 'node')
      : await issueCertificate({ ca, commonName: o.nodeName, names: [...new Set([...(o.names ?? []), 'localhost', '127.0.0.1', '::1'])] });
  checkCertificate(node, o.nodeCertFile && !o.caCertFile ? undefined : ca.certPem);

  await mkdir(pki, { recursive: true });
  await writeFile(files.caCert, ca.certPem, { mode: 0o644 });
  if (!o.caCertFile) await writeSecretFile(files.caKey, ca.keyPem);
  await mkdir(join(o.dataDir, 'pki'), { recursive: true });
  await writeFile(files.nodeCert, node.certPem, { mode: 0o644 });
  await writeFile(files.nodeCa, ca.certPem, { mode: 0o644 });
  await writeSecretFile(files.nodeKey, node.keyPem);

  const signing = generateSigningKey();
  await writeSecretFile(files.signingKey, signing.privateKeyPem);
  await writeFile(files.signingPub, signing.publicKeyPem, { mode: 0o644 });
  await mkdir(trustDir(o.dataDir), { recursive: true });
  await writeFile(files.trustedKey, signing.publicKeyPem, { mode: 0o644 });

  const starter = starterConfig(o);
  parseSiteConfigText(starter, files.siteConfig);
  await writeFile(files.siteConfig, starter, { mode: 0o644 });
  await writeFile(files.signedConfig, signConfig(starter, { privateKeyPem: signing.privateKeyPem, version: 1 }), { mode: 0o644 });

  const adminUser = o.adminUser ?? 'admin';
  const adminPassword = generatePassword();
  const users = await UserStore.open(o.dataDir);
  if (users.list().some((u) => u.name === adminUser)) await users.setPassword(adminUser, adminPassword);
  else await users.add({ name: adminUser, role: 'admin', password: adminPassword });
  await users.close();

  if (o.caCertFile) delete (files as Partial<typeof files>).caKey;
  return { adminUser, adminPassword, configKeyId: signing.keyId, caFingerprint: describeCertificate(ca.certPem).fingerprint256, files };
}

async function readPair(certFile: string | undefined, keyFile: string | undefined, what: string): Promise<CertKeyPair> {
  if (!certFile || !keyFile) throw new SecurityError(SecurityErrorCode.PkiInvalid, `bring-your-own ${what} needs both the certificate and the key file`);
  try {
    return { certPem: await readFile(certFile, 'utf8'), keyPem: await readFile(keyFile, 'utf8') };
  } catch (err) {
    throw new SecurityError(SecurityErrorCode.PkiInvalid, `cannot read the ${what} certificate or key: ${(err as Error).message}`, { cause: err });
  }
}
