import type { MiddlewareHandler } from 'hono';
import { looksLikeJwt, type TokenIdentity, type TokenStore } from '../security/index.js';
import type { ApiEnv } from './api-env.js';
import { ApiError } from './errors.js';

export { requireRole, publicRoute } from './route-policy.js';

/** Verifies JWTs of the office's identity provider (OIDC), when one is configured. */
export interface JwtVerifier {
  verify(token: string): Promise<TokenIdentity>;
}

/** The token of an `Authorization: Bearer <token>` header, if any. */
export function bearerToken(header: string | undefined | null): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

/**
 * Verifies a presented credential — a Fabrik API or session token, or an OIDC
 * JWT when `oidc` is set — or throws the 401 the caller should see.
 */
export async function authenticate(tokens: TokenStore, token: string | undefined, oidc?: JwtVerifier): Promise<TokenIdentity> {
  if (!token) {
    throw new ApiError(401, 'AUTH_REQUIRED', 'this route needs a token: send "Authorization: Bearer <token>" (log in with POST /api/v1/auth/login, or use <dataDir>/secrets/admin.token)');
  }
  if (oidc && looksLikeJwt(token)) {
    try {
      return await oidc.verify(token);
    } catch (err) {
      throw new ApiError(401, 'AUTH_INVALID', (err as Error).message, { cause: err });
    }
  }
  const identity = tokens.verify(token);
  if (!identity) throw new ApiError(401, 'AUTH_INVALID', 'the token is invalid, revoked or expired; log in again or ask an admin for a new one');
  return identity;
}

/** Authenticates every request it guards and stores the identity on the context. */
export function bearerAuth(tokens: TokenStore, oidc?: JwtVerifier): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    c.set('identity', await authenticate(tokens, bearerToken(c.req.header('authorization')), oidc));
    await next();
  };
}
