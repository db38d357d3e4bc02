import { FabrikError } from '../core/index.js';

/** Stable codes of SPC errors; callers switch on these, never on messages. */
export const SpcErrorCode = {
  SubgroupSizeOutOfRange: 'SPC_SUBGROUP_SIZE_OUT_OF_RANGE',
  InsufficientData: 'SPC_INSUFFICIENT_DATA',
  SpecLimitsOrder: 'SPC_SPEC_LIMITS_ORDER',
  InvalidParameter: 'SPC_INVALID_PARAMETER',
  LengthMismatch: 'SPC_LENGTH_MISMATCH',
  CharacteristicNotFound: 'SPC_CHARACTERISTIC_NOT_FOUND',
  LimitsInvalid: 'SPC_LIMITS_INVALID',
} as const;
export type SpcErrorCode = (typeof SpcErrorCode)[keyof typeof SpcErrorCode];

/** A chart, capability study or rule set could not be computed from the given input. */
export class SpcError extends FabrikError {
  declare readonly code: SpcErrorCode;
  constructor(code: SpcErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'SpcError';
  }

  static is(err: unknown): err is SpcError {
    return err instanceof SpcError;
  }
}
