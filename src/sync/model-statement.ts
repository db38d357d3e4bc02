import { isSignedConfigText, parseSignedConfig, signConfig, verifySignedConfig, type TrustedKey } from '../security/index.js';
import { SyncError, SyncErrorCode } from './errors.js';
import type { DesiredModel } from './wire.js';

/**
 * What the hub signs for a distributed model: its name, the hub's version
 * and the artifact's SHA-256, in the signed-config envelope (same keys, same
 * trust folder), so a site that enforces signed configs takes only models
 * its trusted hub released.
 */
export function modelStatement(m: Pick<DesiredModel, 'name' | 'version' | 'sha256'>): string {
  return `fabrik-model/1\nname: ${m.name}\nversion: ${m.version}\nsha256: ${m.sha256}\n`;
}

/** The hub's signature envelope for a model version. */
export function signModelStatement(m: Pick<DesiredModel, 'name' | 'version' | 'sha256'>, privateKeyPem: string): string {
  return signConfig(modelStatement(m), { privateKeyPem, version: m.version });
}

/**
 * Checks a distributed model's signature the way signed configs are
 * checked: a signed model must verify with a trusted key and state exactly
 * this name, version and SHA-256; an unsigned one is refused by a site that
 * trusts keys (it enforces signatures).
 */
export function verifyModelStatement(m: DesiredModel, trusted: readonly TrustedKey[]): void {
  if (!m.signature) {
    if (trusted.length > 0) throw new SyncError(SyncErrorCode.ModelRefused, `model ${m.name} v${m.version} is not signed, and this site enforces signatures (it trusts ${trusted.length} key(s)); start the hub with --signing-key`);
    return;
  }
  if (!isSignedConfigText(m.signature)) throw new SyncError(SyncErrorCode.ModelRefused, `model ${m.name} v${m.version}: the signature is not a signed envelope`);
  let signed;
  try {
    signed = parseSignedConfig(m.signature);
    verifySignedConfig(signed, trusted);
  } catch (err) {
    throw new SyncError(SyncErrorCode.ModelRefused, `model ${m.name} v${m.version}: ${(err as Error).message}`, { cause: err });
  }
  if (signed.document !== modelStatement(m)) throw new SyncError(SyncErrorCode.ModelRefused, `model ${m.name} v${m.version}: the signature is for another model or artifact`);
}
