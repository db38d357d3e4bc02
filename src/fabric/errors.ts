import { FabrikError } from '../core/index.js';

/** Stable codes of the fabric's errors. */
export type FabricErrorCode =
  /** A site-scope query the planner cannot split into exact per-node parts. */
  | 'FABRIC_NOT_DECOMPOSABLE'
  /** Some nodes did not answer and the caller asked for a complete answer only. */
  | 'FABRIC_PARTIAL'
  /** A partial aggregate was cut by a node's row cap, so merging it would be wrong. */
  | 'FABRIC_TOO_MANY_GROUPS'
  /** A virtual source (PostgreSQL, file folder) could not be read. */
  | 'FABRIC_SOURCE_UNAVAILABLE'
  /** A virtual source answered more rows than its cap after push-down. */
  | 'FABRIC_SOURCE_TOO_LARGE'
  /** A peer's answer did not have the promised shape. */
  | 'FABRIC_PEER_MALFORMED'
  /** A peer could not be reached or refused the request. */
  | 'FABRIC_PEER_FAILED'
  /** The TLS handshake with a peer failed: its certificate does not verify, or it wants a client certificate this node lacks. */
  | 'FABRIC_PEER_TLS'
  /** The fabric section of the site config or a token file is unusable. */
  | 'FABRIC_CONFIG'
  /** The PostgreSQL wire endpoint could not listen. */
  | 'FABRIC_PG_LISTEN_FAILED'
  /** An EdgeLake-style request the node does not support. */
  | 'FABRIC_EDGELAKE_UNSUPPORTED';

/** A failure of the data fabric: site queries, peers, virtual sources, protocol endpoints. */
export class FabricError extends FabrikError {
  declare readonly code: FabricErrorCode;
  constructor(code: FabricErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'FabricError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Codes a user's query can fail with that are the user's to fix (HTTP 400, SQLSTATE 42xxx). */
export const USER_QUERY_ERRORS: ReadonlySet<string> = new Set([
  'QUERY_INVALID',
  'QUERY_NOT_READ_ONLY',
  'QUERY_TIMEOUT',
  'QUERY_TOO_LARGE',
  'QUERY_FAILED',
  'FABRIC_NOT_DECOMPOSABLE',
  'FABRIC_TOO_MANY_GROUPS',
  'FABRIC_SOURCE_TOO_LARGE',
]);
