import { timingSafeEqual } from 'node:crypto';

/** Who presented a token: a node of the site, or an API user. */
export type Caller = { kind: 'peer' } | { kind: 'user'; name: string; role: string };

/** Verifies API tokens (the node's TokenStore fits). */
export interface TokenVerifier {
  verify(token: string): { name: string; role: string } | null;
}

/** Accepts the site token (constant-time compare) or any valid API token. */
export function checkToken(token: string | undefined, tokens: TokenVerifier, siteToken: string | undefined): Caller | undefined {
  if (!token) return undefined;
  if (siteToken && token.length === siteToken.length && timingSafeEqual(Buffer.from(token), Buffer.from(siteToken))) return { kind: 'peer' };
  const id = tokens.verify(token);
  return id ? { kind: 'user', name: id.name, role: id.role } : undefined;
}

/** The token of "Bearer x", or the password of "Basic base64(user:x)" (EdgeLake and BI clients). */
export function presentedToken(authorization: string | undefined | null): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (bearer) return bearer[1];
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
  if (!basic) return undefined;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 ? decoded.slice(colon + 1) : undefined;
}
