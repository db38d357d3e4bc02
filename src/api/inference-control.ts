/** A model file and its manifest as the models route receives them. */
export interface ModelUploadRequest {
  bytes: Uint8Array;
  manifest?: unknown;
  sha256?: string;
  mode: 'active' | 'shadow' | 'staged';
  name?: string;
}

/**
 * What the models and inspections routes need from inference; present only
 * when the node runs it. Methods throw Errors with a string `code`
 * (MODEL_NOT_ONNX, MODEL_SHAPE_MISMATCH, IMAGE_CORRUPT…) that the routes map
 * to HTTP statuses.
 */
export interface InferenceControl {
  models(): unknown[];
  model(name: string): unknown | undefined;
  register(upload: ModelUploadRequest, actor: string): Promise<unknown>;
  activate(name: string, version: string, actor: string): Promise<unknown>;
  shadow(name: string, version: string | null, actor: string): Promise<unknown>;
  rollback(name: string, actor: string): Promise<unknown>;
  inspect(camera: string, image: { bytes: Uint8Array; partId: string }): Promise<unknown>;
  image(id: string): Promise<{ bytes: Uint8Array; contentType: string } | null>;
  /** Live detector scores and camera counters. */
  live(): { detectors: unknown[]; cameras: { id: string; model: string; asset: string; maxImageBytes: number; stats: unknown }[] };
  /** Largest model upload accepted, bytes. */
  maxModelBytes: number;
}

/** HTTP status for an inference error code. */
export function inferenceStatus(code: string): number {
  if (/_NOT_FOUND$/.test(code)) return 404;
  if (code === 'MODEL_TOO_LARGE' || code === 'IMAGE_TOO_LARGE') return 413;
  if (code === 'MODEL_NO_PREVIOUS' || code === 'CAMERA_NO_MODEL') return 409;
  if (code === 'CAMERA_BUSY' || code === 'MODEL_RUN_FAILED' || code === 'MODEL_OUTPUT_NAN') return 503;
  if (code === 'MODEL_STORE_FAILED') return 500;
  return 400;
}
