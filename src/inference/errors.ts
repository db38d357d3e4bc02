import { FabrikError } from '../core/index.js';

export type InferenceErrorCode =
  | 'MODEL_NOT_ONNX'
  | 'MODEL_TOO_LARGE'
  | 'MODEL_MANIFEST_MISSING'
  | 'MODEL_MANIFEST_INVALID'
  | 'MODEL_SHAPE_MISMATCH'
  | 'MODEL_OUTPUT_MISSING'
  | 'MODEL_RUN_FAILED'
  | 'MODEL_OUTPUT_NAN'
  | 'MODEL_CHECKSUM_MISMATCH'
  | 'MODEL_NOT_FOUND'
  | 'MODEL_VERSION_NOT_FOUND'
  | 'MODEL_NO_PREVIOUS'
  | 'MODEL_KIND_MISMATCH'
  | 'MODEL_STORE_FAILED'
  | 'IMAGE_TOO_LARGE'
  | 'IMAGE_CORRUPT'
  | 'IMAGE_UNSUPPORTED'
  | 'CAMERA_NOT_FOUND'
  | 'CAMERA_NO_MODEL'
  | 'CAMERA_BUSY'
  | 'INFERENCE_CONFIG_INVALID';

/**
 * Something inference refused or could not do: a model rejected at
 * registration, an image that cannot be inspected, a model that failed at
 * run time. The message says what failed and what to do about it.
 */
export class InferenceError extends FabrikError {
  declare readonly code: InferenceErrorCode;
  constructor(code: InferenceErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'InferenceError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
