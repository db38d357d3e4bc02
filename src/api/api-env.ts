import type { TokenIdentity } from '../security/index.js';

/** Hono environment of every API route: the authenticated caller. */
export interface ApiEnv {
  Variables: { identity: TokenIdentity };
}
