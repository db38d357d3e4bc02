/** An API answer that was not 2xx, with the node's stable error code and message. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
  }
}

/** The node could not be reached at all (connection refused, reset, DNS, offline). */
export class UnreachableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnreachableError';
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof HttpError && err.status === 404;
}
