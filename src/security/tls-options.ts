import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { ConnectionOptions, TlsOptions } from 'node:tls';
import { SecurityError, SecurityErrorCode } from './errors.js';
import { checkCertificate } from './site-pki.js';

/** Where `fabrik init` puts a node's TLS files inside its data dir. */
export function tlsPaths(dataDir: string): { caCert: string; cert: string; key: string } {
  return { caCert: join(dataDir, 'pki', 'ca.crt'), cert: join(dataDir, 'pki', 'node.crt'), key: join(dataDir, 'secrets', 'node.key') };
}

/** A node's certificate, key and the CA its peers are checked against. */
export interface TlsMaterial {
  cert: string;
  key: string;
  /** The site CA (PEM bundle); absent for a bring-your-own certificate from a public CA. */
  ca?: string;
  /** Where it came from, for logs ("flags" or the data dir). */
  source: string;
}

/** How a listener treats TLS: `auto` = TLS when certificates exist, plain text only on loopback; `required`; `off` (lab only). */
export type TlsMode = 'auto' | 'required' | 'off';
/** Client certificates on a TLS listener: none, optional (checked when sent), require (mutual TLS). */
export type ClientAuth = 'none' | 'optional' | 'require';

/**
 * Loads the node's TLS files: explicit paths (flags) win, else the data dir's
 * `pki/node.crt` + `secrets/node.key` (+ `pki/ca.crt`). Null when neither exists.
 * Throws PKI_INVALID when files exist but do not fit together or expired.
 */
export async function loadTlsMaterial(opts: { dataDir: string; certFile?: string; keyFile?: string; caFile?: string }): Promise<TlsMaterial | null> {
  const paths = tlsPaths(opts.dataDir);
  const explicit = opts.certFile !== undefined || opts.keyFile !== undefined;
  if (explicit && (opts.certFile === undefined || opts.keyFile === undefined)) {
    throw new SecurityError(SecurityErrorCode.PkiInvalid, 'give both --tls-cert and --tls-key (or neither, to use the data dir)');
  }
  const certFile = opts.certFile ?? paths.cert;
  const keyFile = opts.keyFile ?? paths.key;
  const caFile = opts.caFile ?? paths.caCert;
  const cert = await readOptional(certFile, explicit);
  const key = await readOptional(keyFile, explicit);
  if (cert === null || key === null) {
    if (cert !== null || key !== null) throw new SecurityError(SecurityErrorCode.PkiInvalid, `found only one of ${certFile} and ${keyFile}; a node needs both (re-run "fabrik init" or "fabrik cert issue")`);
    return null;
  }
  const ca = (await readOptional(caFile, opts.caFile !== undefined)) ?? undefined;
  try {
    checkCertificate({ certPem: cert, keyPem: key }, ca);
  } catch (err) {
    throw new SecurityError(SecurityErrorCode.PkiInvalid, `${certFile}: ${(err as Error).message}`, { cause: err });
  }
  return { cert, key, ...(ca ? { ca } : {}), source: explicit ? certFile : opts.dataDir };
}

/**
 * TLS options for a server socket (HTTPS, PG wire, MQTT broker, node-to-node):
 * TLS 1.2+ only, the site CA for client certificates when `clientAuth` asks for them.
 */
export function serverTlsOptions(m: TlsMaterial, opts: { clientAuth?: ClientAuth } = {}): TlsOptions {
  const clientAuth = opts.clientAuth ?? 'none';
  if (clientAuth !== 'none' && !m.ca) {
    throw new SecurityError(SecurityErrorCode.PkiInvalid, 'client certificates can only be checked against a CA: give --tls-ca or put the site CA in <data-dir>/pki/ca.crt');
  }
  return {
    cert: m.cert,
    key: m.key,
    minVersion: 'TLSv1.2',
    ...(clientAuth !== 'none' ? { ca: m.ca, requestCert: true, rejectUnauthorized: clientAuth === 'require' } : {}),
  };
}

/**
 * TLS options for dialling a peer (hub uplink, another site node, an MQTT
 * broker): trust the site CA (plus the system roots when `systemRoots`), and
 * present the node's certificate so a peer that requires mutual TLS accepts us.
 */
export function clientTlsOptions(m: TlsMaterial | { ca: string }, opts: { servername?: string; systemRoots?: boolean } = {}): ConnectionOptions {
  const own = 'cert' in m ? { cert: m.cert, key: m.key } : {};
  return {
    ...own,
    ...(m.ca && !opts.systemRoots ? { ca: m.ca } : {}),
    minVersion: 'TLSv1.2',
    rejectUnauthorized: true,
    ...(opts.servername && !isIP(opts.servername) ? { servername: opts.servername } : {}),
  };
}

/** True for 127.0.0.0/8, ::1 and "localhost". */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** What a listener should do: serve TLS with these options, or plain text for the stated reason. */
export type ListenerTls = { tls: TlsOptions; reason: string } | { tls: null; reason: string };

/**
 * The one decision every listener makes the same way. Plain text happens only
 * with `mode: off` (an explicit lab setting) or, in `auto`, on loopback when no
 * certificate exists; a network-facing listener without TLS refuses to start.
 */
export function listenerTls(opts: { listener: string; host: string; mode: TlsMode; material: TlsMaterial | null; clientAuth?: ClientAuth }): ListenerTls {
  const { listener, host, mode, material } = opts;
  if (mode === 'off') return { tls: null, reason: 'security.tls is off (lab setting): plain text' };
  if (material) return { tls: serverTlsOptions(material, { clientAuth: opts.clientAuth ?? 'none' }), reason: `TLS with ${material.source}` };
  if (mode === 'auto' && isLoopback(host)) return { tls: null, reason: 'no certificate and loopback only: plain text' };
  throw new SecurityError(
    SecurityErrorCode.TlsRequired,
    `the ${listener} would listen on ${host} without TLS; create certificates with "fabrik init" (or pass --tls-cert/--tls-key), or, for a lab only, set security.tls: off in the site config`,
  );
}

async function readOptional(path: string, mustExist: boolean): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !mustExist) return null;
    throw new SecurityError(SecurityErrorCode.PkiInvalid, `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}
