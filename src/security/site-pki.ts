import { webcrypto, X509Certificate as NodeX509, createPrivateKey } from 'node:crypto';
import { isIP } from 'node:net';
import { SecurityError, SecurityErrorCode } from './errors.js';

type X509 = typeof import('@peculiar/x509');
let loaded: Promise<X509> | undefined;
/**
 * @peculiar/x509 is loaded on first use: only `fabrik init` and `fabrik cert` make
 * certificates, and every other process should not pay for it at start-up. It resolves its
 * algorithm providers through tsyringe, which needs the Reflect metadata API first.
 */
function x509lib(): Promise<X509> {
  return (loaded ??= (async () => {
    await import('reflect-metadata');
    const lib = await import('@peculiar/x509');
    lib.cryptoProvider.set(webcrypto as never);
    return lib;
  })());
}

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

/** A certificate and its private key, both PEM. */
export interface CertKeyPair {
  certPem: string;
  keyPem: string;
}

async function keyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return (await x509lib()).PemConverter.encode(der, 'PRIVATE KEY');
}

async function importKey(pem: string): Promise<{ privateKey: CryptoKey; publicKey: CryptoKey }> {
  let der: ArrayBuffer;
  try {
    // Accepts PKCS#8 and SEC1 ("EC PRIVATE KEY") by round-tripping through node:crypto.
    der = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' }).buffer as ArrayBuffer;
  } catch (err) {
    throw new SecurityError(SecurityErrorCode.PkiInvalid, `the CA key is not a readable PEM private key: ${(err as Error).message}`, { cause: err });
  }
  const privateKey = await webcrypto.subtle.importKey('pkcs8', der, ALG, true, ['sign']);
  const jwk = await webcrypto.subtle.exportKey('jwk', privateKey);
  delete jwk.d;
  const publicKey = await webcrypto.subtle.importKey('jwk', { ...jwk, key_ops: ['verify'] }, ALG, true, ['verify']);
  return { privateKey, publicKey };
}

function serial(): string {
  // Positive, 16 random bytes (RFC 5280 allows up to 20 octets).
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = bytes[0]! & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

/** Creates a site CA: ECDSA P-256, valid `validityDays` (default 10 years), for signing node certificates only. */
export async function createSiteCa(opts: { commonName: string; validityDays?: number }): Promise<CertKeyPair> {
  const x509 = await x509lib();
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${escapeDn(opts.commonName)}, O=Fabrik`,
    notBefore: new Date(now - 5 * 60_000),
    notAfter: new Date(now + (opts.validityDays ?? 3650) * DAY),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await keyPem(keys.privateKey) };
}

/** Options of `issueCertificate`. */
export interface IssueOptions {
  ca: CertKeyPair;
  commonName: string;
  /** DNS names and IP addresses the peer will dial; both become subjectAltNames. */
  names?: string[];
  /** server: TLS server only; client: mTLS client only; both (default): a node that serves and dials peers. */
  usage?: 'server' | 'client' | 'both';
  /** Default 397 days (the longest browsers accept for server certificates). */
  validityDays?: number;
}

/** Issues a leaf certificate signed by the site CA. */
export async function issueCertificate(opts: IssueOptions): Promise<CertKeyPair> {
  const x509 = await x509lib();
  const caCert = new x509.X509Certificate(opts.ca.certPem);
  const caKeys = await importKey(opts.ca.keyPem);
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const usage = opts.usage ?? 'both';
  const eku = [
    ...(usage !== 'client' ? [x509.ExtendedKeyUsage.serverAuth] : []),
    ...(usage !== 'server' ? [x509.ExtendedKeyUsage.clientAuth] : []),
  ];
  const names = [...new Set([opts.commonName, ...(opts.names ?? [])])].map((n) => (isIP(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n }));
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${escapeDn(opts.commonName)}, O=Fabrik`,
    issuer: caCert.subject,
    notBefore: new Date(now - 5 * 60_000),
    notAfter: new Date(Math.min(now + (opts.validityDays ?? 397) * DAY, caCert.notAfter.getTime())),
    signingKey: caKeys.privateKey,
    publicKey: keys.publicKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension(eku, false),
      new x509.SubjectAlternativeNameExtension(names, false),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await keyPem(keys.privateKey) };
}

/** What `describeCertificate` reads from a PEM. */
export interface CertificateSummary {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  fingerprint256: string;
  names: string[];
  ca: boolean;
}

/** Subject, issuer, validity and SANs of a PEM certificate (the first one in a bundle). */
export function describeCertificate(pem: string): CertificateSummary {
  let cert: NodeX509;
  try {
    cert = new NodeX509(pem);
  } catch (err) {
    throw new SecurityError(SecurityErrorCode.PkiInvalid, `not a PEM certificate: ${(err as Error).message}`, { cause: err });
  }
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    validFrom: new Date(cert.validFrom).toISOString(),
    validTo: new Date(cert.validTo).toISOString(),
    fingerprint256: cert.fingerprint256,
    names: (cert.subjectAltName ?? '').split(', ').filter(Boolean).map((s) => s.replace(/^(DNS|IP Address):/, '')),
    ca: cert.ca,
  };
}

/** Checks that `cert` was issued by `caPem`, is in its validity period and matches `keyPem`; throws PKI_INVALID saying which. */
export function checkCertificate(pair: CertKeyPair, caPem: string | undefined, now = Date.now()): void {
  const cert = new NodeX509(pair.certPem);
  if (!cert.checkPrivateKey(createPrivateKey(pair.keyPem))) throw new SecurityError(SecurityErrorCode.PkiInvalid, 'the certificate and the private key do not belong together');
  if (Date.parse(cert.validTo) < now) throw new SecurityError(SecurityErrorCode.PkiInvalid, `the certificate expired on ${cert.validTo}; issue a new one with "fabrik cert issue"`);
  if (caPem && !cert.checkIssued(new NodeX509(caPem))) throw new SecurityError(SecurityErrorCode.PkiInvalid, `the certificate (issuer ${cert.issuer}) was not issued by the given CA`);
}

function escapeDn(value: string): string {
  return value.replace(/([,+"\\<>;=])/g, '\\$1');
}
