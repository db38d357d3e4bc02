import { FabrikError } from '../core/index.js';

/** Stable codes of the security capability. */
export const SecurityErrorCode = {
  /** tokens.json cannot be read or parsed. */
  StoreCorrupt: 'TOKEN_STORE_CORRUPT',
  /** tokens.json or admin.token cannot be written. */
  StoreWriteFailed: 'TOKEN_STORE_WRITE_FAILED',
  /** A token was asked for with a role or name that is not allowed. */
  InvalidTokenRequest: 'TOKEN_REQUEST_INVALID',
} as const;
export type SecurityErrorCode = (typeof SecurityErrorCode)[keyof typeof SecurityErrorCode];

/** A failure of the token store; `code` is one of `SecurityErrorCode`. */
export class SecurityError extends FabrikError {
  declare readonly code: SecurityErrorCode;
  constructor(code: SecurityErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'SecurityError';
  }
}
