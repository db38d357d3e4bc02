/** Base of every Fabrik error: a stable `code`, a message that says what to do, a `cause`. */
export class FabrikError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FabrikError';
    this.code = code;
  }
}
