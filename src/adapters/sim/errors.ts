import { FabrikError } from '../../core/index.js';

export type SimSourceErrorCode = 'SIM_UNKNOWN_ADDRESS' | 'SIM_UNKNOWN_TAG' | 'SIM_WRONG_PROTOCOL' | 'SIM_UNSUPPORTED_TYPE';

/** A sim device whose config does not fit the plant; raised when the source is created. */
export class SimSourceConfigError extends FabrikError {
  declare readonly code: SimSourceErrorCode;
  readonly device: string;
  /** Every problem, with a path relative to the device ("tags[3].address"). */
  readonly issues: { path: string; message: string }[];
  /** All addresses the plant offers (for SIM_UNKNOWN_ADDRESS). */
  readonly validAddresses: string[];

  constructor(code: SimSourceErrorCode, device: string, issues: { path: string; message: string }[], validAddresses: string[] = [], hint = '') {
    const lines = issues.map((i) => `  ${i.path}: ${i.message}`).join('\n');
    super(code, `sim device "${device}" does not fit the plant:\n${lines}${hint ? `\n${hint}` : ''}`);
    this.name = 'SimSourceConfigError';
    this.device = device;
    this.issues = issues;
    this.validAddresses = validAddresses;
  }
}
