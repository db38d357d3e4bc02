import { FabrikError } from '../core/index.js';

/** Stable codes of the config rollout. */
export const RolloutErrorCode = {
  /** The node enforces signed configs and got an unsigned one. */
  Unsigned: 'CONFIG_UNSIGNED',
  /** The document's version is not newer than the applied one. */
  Stale: 'CONFIG_VERSION_STALE',
  /** The new config's sources did not come up; the previous config runs again. */
  RolledBack: 'CONFIG_ROLLED_BACK',
  /** Another apply is in progress. */
  Busy: 'CONFIG_APPLY_BUSY',
  /** The version store in the data dir cannot be read or written. */
  StoreFailed: 'CONFIG_STORE_FAILED',
} as const;
export type RolloutErrorCode = (typeof RolloutErrorCode)[keyof typeof RolloutErrorCode];

export class RolloutError extends FabrikError {
  declare readonly code: RolloutErrorCode;
  readonly details: Record<string, unknown>;
  constructor(code: RolloutErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(code, message, options);
    this.name = 'RolloutError';
    this.details = options?.details ?? {};
  }
}
