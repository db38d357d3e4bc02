import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { MiddlewareHandler } from 'hono';
import { writeSecretFile } from '../security/index.js';
import { HubError, HubErrorCode } from './errors.js';
import type { HubSql } from './hub-database.js';

/** Who called: a person or tool with a hub role, or an enrolled site. */
export type HubIdentity = { kind: 'user'; role: HubRole; name: string } | { kind: 'site'; siteId: string };
export type HubRole = 'viewer' | 'admin';
export type HubEnv = { Variables: { identity: HubIdentity | undefined } };

/** Site credentials start with this, so the hub knows which table to look in. */
const SITE_PREFIX = 'fsite_';

/** Secrets are random (192 bits), so one SHA-256 is enough at rest: nothing to guess, only to look up. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function newSecret(prefix: 'fhub' | 'fenrol' | 'fsite'): string {
  return `${prefix}_${randomBytes(24).toString('base64url')}`;
}

/** Reads the bearer token and sets the identity (or none); the route guards decide. */
export function hubAuth(db: HubSql): MiddlewareHandler<HubEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    c.set('identity', undefined);
    if (token) {
      const hash = hashSecret(token);
      if (token.startsWith(SITE_PREFIX)) {
        const row = (await db.query<{ site_id: string }>('SELECT site_id FROM site_credentials WHERE hash = $1 AND revoked_at IS NULL', [hash])).rows[0];
        if (row) c.set('identity', { kind: 'site', siteId: row.site_id });
      } else {
        const row = (await db.query<{ role: HubRole; name: string }>('SELECT role, name FROM hub_tokens WHERE hash = $1 AND revoked_at IS NULL', [hash])).rows[0];
        if (row) c.set('identity', { kind: 'user', role: row.role, name: row.name });
      }
      if (!c.get('identity')) throw new HubError(HubErrorCode.AuthRequired, 'the token is not known to this hub or was revoked');
    }
    await next();
  };
}

/** A person or tool with at least `role` (admin includes viewer). */
export function requireHubRole(role: HubRole): MiddlewareHandler<HubEnv> {
  return async (c, next) => {
    const id = c.get('identity');
    if (!id) throw new HubError(HubErrorCode.AuthRequired, 'this route needs a token: send "Authorization: Bearer <token>"');
    if (id.kind !== 'user' || (role === 'admin' && id.role !== 'admin')) throw new HubError(HubErrorCode.Forbidden, `this route needs the hub ${role} role`);
    await next();
  };
}

/** An enrolled site, speaking for itself only. */
export function requireSite(): MiddlewareHandler<HubEnv> {
  return async (c, next) => {
    const id = c.get('identity');
    if (!id) throw new HubError(HubErrorCode.AuthRequired, 'this route needs the site credential from enrolment');
    if (id.kind !== 'site') throw new HubError(HubErrorCode.Forbidden, 'this route is for enrolled sites');
    await next();
  };
}

/**
 * Makes sure the hub has an admin token: the one from the environment when
 * given, else a new one written to `<dataDir>/secrets/hub-admin.token` when
 * the database has no admin yet.
 */
export async function ensureHubAdminToken(db: HubSql, opts: { dataDir: string; token?: string }): Promise<{ path: string | null; created: boolean }> {
  if (opts.token) {
    await db.query("INSERT INTO hub_tokens (id, hash, role, name) VALUES ($1, $2, 'admin', 'env admin') ON CONFLICT DO NOTHING", [`env-${hashSecret(opts.token).slice(0, 12)}`, hashSecret(opts.token)]);
    return { path: null, created: false };
  }
  const path = join(opts.dataDir, 'secrets', 'hub-admin.token');
  const existing = await db.query("SELECT 1 FROM hub_tokens WHERE role = 'admin' AND revoked_at IS NULL LIMIT 1");
  if (existing.rows.length > 0) return { path, created: false };
  const token = newSecret('fhub');
  await writeSecretFile(path, `${token}\n`);
  await db.query("INSERT INTO hub_tokens (id, hash, role, name) VALUES ($1, $2, 'admin', 'first admin')", [`admin-${randomBytes(4).toString('hex')}`, hashSecret(token)]);
  return { path, created: true };
}
