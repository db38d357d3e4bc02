import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { SecurityError, SecurityErrorCode } from './errors.js';
import { ROLES, type Role } from './roles.js';
import type { OidcConfig } from './security-schema.js';
import type { TokenIdentity } from './token-store.js';

/** Looks like a JWT (three base64url parts): how a bearer credential is routed to OIDC instead of the token store. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

/**
 * Verifies ID/access tokens of the office's identity provider (OIDC): the
 * signature against the issuer's JWKS (fetched and cached by `jose`), issuer,
 * audience and expiry, then maps a claim to a Fabrik role.
 */
export class OidcVerifier {
  #config: OidcConfig;
  #jwks: Promise<JWTVerifyGetKey> | undefined;

  constructor(config: OidcConfig) {
    this.#config = config;
  }

  async verify(token: string): Promise<TokenIdentity> {
    // Loaded on first use, so nodes without OIDC never load it.
    const { jwtVerify, errors: joseErrors } = await import('jose');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await this.#keys(), {
        issuer: this.#config.issuer,
        audience: this.#config.audience,
        clockTolerance: Math.round(this.#config.clockTolerance / 1000),
        algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'],
      }));
    } catch (err) {
      this.#jwks = err instanceof joseErrors.JOSEError ? this.#jwks : undefined;
      const why = err instanceof joseErrors.JWTExpired ? 'it has expired' : err instanceof joseErrors.JWTClaimValidationFailed ? `claim "${err.claim}" is wrong` : (err as Error).message;
      throw new SecurityError(SecurityErrorCode.OidcInvalid, `the identity provider token was refused: ${why}`, { cause: err });
    }
    const role = this.#role(payload);
    if (!role) {
      throw new SecurityError(SecurityErrorCode.OidcInvalid, `the token of "${subjectName(payload)}" carries no ${this.#config.roleClaim} value mapped to a Fabrik role; map one under security.oidc.roles`);
    }
    return {
      id: `oidc:${payload.sub ?? 'unknown'}`,
      role,
      name: subjectName(payload),
      kind: 'oidc',
      ...(payload.exp !== undefined ? { expiresAt: payload.exp * 1000 } : {}),
    };
  }

  #role(payload: JWTPayload): Role | undefined {
    const claim = payload[this.#config.roleClaim];
    const values = Array.isArray(claim) ? claim : claim === undefined ? [] : [claim];
    let best = -1;
    for (const v of values) {
      const mapped = typeof v === 'string' ? this.#config.roles[v] : undefined;
      if (mapped) best = Math.max(best, ROLES.indexOf(mapped));
    }
    if (best >= 0) return ROLES[best];
    return this.#config.defaultRole;
  }

  #keys(): Promise<JWTVerifyGetKey> {
    this.#jwks ??= (async () => {
      const uri = this.#config.jwksUri ?? (await discoverJwksUri(this.#config.issuer));
      const { createRemoteJWKSet } = await import('jose');
      return createRemoteJWKSet(new URL(uri), { timeoutDuration: 5000, cooldownDuration: 30_000 });
    })().catch((err: unknown) => {
      this.#jwks = undefined;
      throw err;
    });
    return this.#jwks;
  }
}

async function discoverJwksUri(issuer: string): Promise<string> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`OIDC discovery at ${url} answered ${res.status}; set security.oidc.jwksUri`);
  const doc = (await res.json()) as { jwks_uri?: unknown };
  if (typeof doc.jwks_uri !== 'string') throw new Error(`OIDC discovery at ${url} names no jwks_uri; set security.oidc.jwksUri`);
  return doc.jwks_uri;
}

function subjectName(p: JWTPayload): string {
  const pick = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : undefined);
  return pick('preferred_username') ?? pick('email') ?? pick('name') ?? p.sub ?? 'unknown';
}
