import { FabrikError } from '../core/index.js';

/** A failure of the store itself: opening, committing, compacting, archiving. */
export class StoreError extends FabrikError {
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'StoreError';
  }
}

export type StoreErrorCode = 'STORE_OPEN_FAILED' | 'STORE_COMMIT_FAILED' | 'STORE_CLOSED' | 'STORE_RETENTION_FAILED' | 'STORE_COMPACT_FAILED';

/** A user query that was refused or failed; `code` says which rule it broke. */
export class QueryError extends FabrikError {
  constructor(code: QueryErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'QueryError';
  }
}

export type QueryErrorCode = 'QUERY_NOT_READ_ONLY' | 'QUERY_INVALID' | 'QUERY_TIMEOUT' | 'QUERY_TOO_LARGE' | 'QUERY_FAILED';

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
