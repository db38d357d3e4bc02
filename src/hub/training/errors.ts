import { FabrikError } from '../../core/index.js';

export type TrainingErrorCode = 'TRAIN_INVALID_DATA' | 'TRAIN_INVALID_OPTION' | 'TRAIN_CSV_INVALID' | 'TRAIN_FAILED';

/** Training could not run on the data or options given; the message says what to change. */
export class TrainingError extends FabrikError {
  declare readonly code: TrainingErrorCode;
  constructor(code: TrainingErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'TrainingError';
  }
}
