import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { z } from 'zod';
import { SecurityError, SecurityErrorCode } from './errors.js';

export const SIGNED_CONFIG_FORMAT = 'fabrik-signed-config/1';

/** A signed site config: the YAML document as text plus who signed which version. */
export interface SignedConfig {
  format: typeof SIGNED_CONFIG_FORMAT;
  /** Increases with every release of the site's config; a node never goes back to a lower one. */
  version: number;
  /** ISO time. */
  signedAt: string;
  /** Fingerprint of the signing key (see `keyIdOf`). */
  keyId: string;
  /** SHA-256 (hex) of `document`. */
  sha256: string;
  /** Ed25519 over `signedMessage(...)`, base64. */
  signature: string;
  /** The site config YAML, exactly as signed. */
  document: string;
}

const envelope = z
  .object({
    format: z.literal(SIGNED_CONFIG_FORMAT),
    version: z.number().int().positive(),
    signedAt: z.string().datetime(),
    keyId: z.string().regex(/^[0-9a-f]{16}$/),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    signature: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/),
    document: z.string().min(1),
  })
  .strict();

/** A public key the node accepts config signatures from. */
export interface TrustedKey {
  keyId: string;
  key: KeyObject;
  /** File it was read from. */
  source: string;
}

/** First 16 hex digits of the SHA-256 of the key's SPKI DER: short enough to read, long enough not to collide by chance. */
export function keyIdOf(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

/** The bytes the signature covers: format, version, time and the document's hash (so nothing can be swapped independently). */
export function signedMessage(s: Pick<SignedConfig, 'version' | 'signedAt' | 'keyId' | 'sha256'>): Buffer {
  return Buffer.from(`${SIGNED_CONFIG_FORMAT}\n${s.version}\n${s.signedAt}\n${s.keyId}\n${s.sha256}\n`, 'utf8');
}

/** A new Ed25519 signing key pair (PEM) for a site's config releases. */
export function generateSigningKey(): { privateKeyPem: string; publicKeyPem: string; keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

/** Signs a site config document as `version`; returns the signed envelope as YAML text. */
export function signConfig(document: string, opts: { privateKeyPem: string; version: number; now?: Date }): string {
  let key: KeyObject;
  try {
    key = createPrivateKey(opts.privateKeyPem);
  } catch (err) {
    throw new SecurityError(SecurityErrorCode.KeyInvalid, `the signing key is not a PEM private key: ${(err as Error).message}`, { cause: err });
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new SecurityError(SecurityErrorCode.KeyInvalid, `config signing keys are Ed25519; this one is ${key.asymmetricKeyType}`);
  if (!Number.isInteger(opts.version) || opts.version <= 0) throw new SecurityError(SecurityErrorCode.SignedConfigMalformed, `the version must be a positive whole number, got ${opts.version}`);
  const meta = {
    version: opts.version,
    signedAt: (opts.now ?? new Date()).toISOString(),
    keyId: keyIdOf(key),
    sha256: createHash('sha256').update(document, 'utf8').digest('hex'),
  };
  const signature = sign(null, signedMessage(meta), key).toString('base64');
  const signed: SignedConfig = { format: SIGNED_CONFIG_FORMAT, ...meta, signature, document };
  return `# Fabrik signed site config, version ${meta.version}. Do not edit: change the source YAML and run "fabrik config sign".\n${stringifyYaml(signed, { lineWidth: 0, blockQuote: 'literal' })}`;
}

/** True when the text is a signed envelope rather than a plain site config. */
export function isSignedConfigText(text: string): boolean {
  return /^format:\s*["']?fabrik-signed-config\/1/m.test(text);
}

/** Parses a signed envelope (YAML or JSON); throws SIGNED_CONFIG_MALFORMED naming what is wrong. */
export function parseSignedConfig(text: string): SignedConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text, { uniqueKeys: true });
  } catch (err) {
    throw new SecurityError(SecurityErrorCode.SignedConfigMalformed, `the signed config is not valid YAML: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  const parsed = envelope.safeParse(doc);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`).join('; ');
    throw new SecurityError(SecurityErrorCode.SignedConfigMalformed, `the signed config envelope is invalid (${problems}); sign the site YAML with "fabrik config sign"`);
  }
  return parsed.data as SignedConfig;
}

/**
 * Checks the document's hash and the signature against the trusted keys;
 * returns the key that signed it or throws SIGNATURE_UNTRUSTED / SIGNED_CONFIG_MALFORMED.
 */
export function verifySignedConfig(s: SignedConfig, trusted: readonly TrustedKey[]): TrustedKey {
  const actual = createHash('sha256').update(s.document, 'utf8').digest('hex');
  if (actual !== s.sha256) {
    throw new SecurityError(SecurityErrorCode.SignatureUntrusted, `config version ${s.version}: the document does not match its signed hash (it was changed after signing)`);
  }
  const key = trusted.find((k) => k.keyId === s.keyId);
  if (!key) {
    throw new SecurityError(
      SecurityErrorCode.SignatureUntrusted,
      `config version ${s.version} is signed by key ${s.keyId}, which this node does not trust (trusted: ${trusted.map((k) => k.keyId).join(', ') || 'none'}); add its public key with "fabrik config trust"`,
    );
  }
  if (!verify(null, signedMessage(s), key.key, Buffer.from(s.signature, 'base64'))) {
    throw new SecurityError(SecurityErrorCode.SignatureUntrusted, `config version ${s.version}: the signature does not verify with key ${s.keyId} (the envelope was altered)`);
  }
  return key;
}

/** Where a node keeps the public keys it accepts config signatures from. */
export function trustDir(dataDir: string): string {
  return join(dataDir, 'trust');
}

/** Reads every `*.pub` (PEM, Ed25519) in a folder; a missing folder means no trusted keys. */
export async function loadTrustedKeys(dir: string): Promise<TrustedKey[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.pub')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const keys: TrustedKey[] = [];
  for (const name of names) {
    const source = join(dir, name);
    keys.push(publicKeyFromPem(await readFile(source, 'utf8'), source));
  }
  return keys;
}

/** Parses one trusted public key; throws KEY_INVALID. */
export function publicKeyFromPem(pem: string, source: string): TrustedKey {
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`expected an Ed25519 key, got ${key.asymmetricKeyType}`);
    return { keyId: keyIdOf(key), key, source };
  } catch (err) {
    throw new SecurityError(SecurityErrorCode.KeyInvalid, `${source} is not an Ed25519 public key in PEM: ${(err as Error).message}`, { cause: err });
  }
}
