import type { Role, TokenIdentity } from '../security/index.js';

/** Hono environment of every API route: the authenticated caller. */
export interface ApiEnv {
  Variables: {
    identity: TokenIdentity;
    /** The role the route required (set by requireRole), for the audit trail. */
    access?: Role;
    /** Extra facts a route wants in its audit entry (never secrets). */
    auditDetails?: Record<string, unknown>;
  };
}
