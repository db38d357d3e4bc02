import { FabrikError } from '../core/index.js';

export type SimErrorCode = 'SIM_UNKNOWN_ADDRESS' | 'SIM_INVALID_FAULT' | 'SIM_NOT_WRITABLE' | 'SIM_INVALID_OPTION';

/** A request the simulator cannot honour; `code` says which kind. */
export class SimError extends FabrikError {
  declare readonly code: SimErrorCode;
  constructor(code: SimErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'SimError';
  }
}
