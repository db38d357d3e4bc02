import { FabrikError } from '../core/index.js';

/** Stable codes of pipeline errors; callers switch on these, never on messages. */
export const PipelineErrorCode = {
  UnknownProcessor: 'PIPELINE_UNKNOWN_PROCESSOR',
  InvalidProcessor: 'PIPELINE_INVALID_PROCESSOR',
  InvalidTimezone: 'PIPELINE_INVALID_TIMEZONE',
  InvalidOption: 'PIPELINE_INVALID_OPTION',
} as const;
export type PipelineErrorCode = (typeof PipelineErrorCode)[keyof typeof PipelineErrorCode];

/** A pipeline could not be built from the given config. */
export class PipelineError extends FabrikError {
  declare readonly code: PipelineErrorCode;
  constructor(code: PipelineErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'PipelineError';
  }

  static is(err: unknown): err is PipelineError {
    return err instanceof PipelineError;
  }
}
