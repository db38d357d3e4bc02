import type { MiddlewareHandler } from 'hono';
import { roleAtLeast, type Role, type TokenIdentity, type TokenStore } from '../security/index.js';
import type { ApiEnv } from './api-env.js';
import { ApiError } from './errors.js';

/** The token of an `Authorization: Bearer <token>` header, if any. */
export function bearerToken(header: string | undefined | null): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

/** Verifies a presented token or throws the 401 the caller should see. */
export function authenticate(tokens: TokenStore, token: string | undefined): TokenIdentity {
  if (!token) {
    throw new ApiError(401, 'AUTH_REQUIRED', 'this route needs a token: send "Authorization: Bearer <token>" (the admin token is in <dataDir>/secrets/admin.token)');
  }
  const identity = tokens.verify(token);
  if (!identity) throw new ApiError(401, 'AUTH_INVALID', 'the token is invalid, revoked or expired; ask an admin for a new one');
  return identity;
}

/** Authenticates every request it guards and stores the identity on the context. */
export function bearerAuth(tokens: TokenStore): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    c.set('identity', authenticate(tokens, bearerToken(c.req.header('authorization'))));
    await next();
  };
}

/** Lets the request through only when the caller's role is at least `need`. */
export function requireRole(need: Role): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const { role, name } = c.get('identity');
    if (!roleAtLeast(role, need)) {
      throw new ApiError(403, 'FORBIDDEN', `this route needs the ${need} role; token "${name}" has ${role}`);
    }
    await next();
  };
}
