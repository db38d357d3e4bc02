import { FabrikError } from '../core/index.js';

/** Stable codes of the security capability. */
export const SecurityErrorCode = {
  /** tokens.json / users.json cannot be read or parsed. */
  StoreCorrupt: 'TOKEN_STORE_CORRUPT',
  /** tokens.json, users.json or admin.token cannot be written. */
  StoreWriteFailed: 'TOKEN_STORE_WRITE_FAILED',
  /** A token was asked for with a role, name, ttl or scope that is not allowed. */
  InvalidTokenRequest: 'TOKEN_REQUEST_INVALID',
  /** A user was added or changed with a bad name, role or password. */
  InvalidUserRequest: 'USER_REQUEST_INVALID',
  /** The audit log cannot be opened or appended to. */
  AuditWriteFailed: 'AUDIT_WRITE_FAILED',
  /** Certificates or keys cannot be created, read or do not fit together. */
  PkiInvalid: 'PKI_INVALID',
  /** A listener would serve plain text where TLS is required. */
  TlsRequired: 'TLS_REQUIRED',
  /** A signed config document is malformed. */
  SignedConfigMalformed: 'SIGNED_CONFIG_MALFORMED',
  /** A signed config's signature does not verify against any trusted key. */
  SignatureUntrusted: 'SIGNATURE_UNTRUSTED',
  /** A signed config is older than (or as old as) the applied one. */
  ConfigVersionStale: 'CONFIG_VERSION_STALE',
  /** A signing or trusted key cannot be read. */
  KeyInvalid: 'KEY_INVALID',
  /** OIDC is configured but a JWT does not verify. */
  OidcInvalid: 'OIDC_TOKEN_INVALID',
} as const;
export type SecurityErrorCode = (typeof SecurityErrorCode)[keyof typeof SecurityErrorCode];

/** A failure of the security capability; `code` is one of `SecurityErrorCode`. */
export class SecurityError extends FabrikError {
  declare readonly code: SecurityErrorCode;
  constructor(code: SecurityErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'SecurityError';
  }
}
