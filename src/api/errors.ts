import { FabrikError } from '../core/index.js';

/** An error the API answers with `{ error: { code, message } }` and `status`. */
export class ApiError extends FabrikError {
  readonly status: number;
  constructor(status: number, code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ApiError';
    this.status = status;
  }
}

/** Stable codes of errors raised by the API server itself (not per request). */
export const ApiServerErrorCode = {
  PortInUse: 'API_PORT_IN_USE',
  ListenFailed: 'API_LISTEN_FAILED',
} as const;
export type ApiServerErrorCode = (typeof ApiServerErrorCode)[keyof typeof ApiServerErrorCode];

/** The HTTP server could not start listening. */
export class ApiServerError extends FabrikError {
  declare readonly code: ApiServerErrorCode;
  readonly port: number;
  constructor(code: ApiServerErrorCode, port: number, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ApiServerError';
    this.port = port;
  }
}

export const badRequest = (code: string, message: string) => new ApiError(400, code, message);
export const notFound = (code: string, message: string) => new ApiError(404, code, message);
