import { Hono, type Context } from 'hono';
import type { TLSSocket } from 'node:tls';
import { z } from 'zod';
import { USER_QUERY_ERRORS, errorMessage } from './errors.js';
import type { Fabric } from './fabric.js';
import { MAX_PARTIAL_GROUPS } from './site-query.js';
import { checkToken, presentedToken } from './token-check.js';

const partialBody = z.object({
  sql: z.string().min(1).max(100_000),
  maxRows: z.number().int().positive().max(MAX_PARTIAL_GROUPS),
  timeoutMs: z.number().int().positive(),
}).strict();

function fail(c: Context, status: 400 | 401 | 413 | 500 | 503, code: string, message: string): Response {
  return c.json({ error: { code, message } }, status);
}

/** serverAuth: node certificates carry it (they serve and dial); a person's or tool's client-only certificate does not. */
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

/**
 * True when the request came over TLS with a node certificate the listener
 * verified against the site CA (security.clientAuth optional or require):
 * only the nodes of the site hold one, so it identifies a peer like the site
 * token does. A client-only certificate (an operator's laptop, a BI tool)
 * still needs a token here.
 */
export function verifiedPeerCertificate(c: Context): boolean {
  const socket = (c.env as { incoming?: { socket?: Partial<TLSSocket> } } | undefined)?.incoming?.socket;
  if (!socket || socket.encrypted !== true || socket.authorized !== true) return false;
  const cert = socket.getPeerCertificate?.();
  return Boolean(cert?.ext_key_usage?.includes(SERVER_AUTH));
}

/**
 * Node-to-node routes, mounted at /fabric/v1: the catalogue and partial
 * queries. They accept a node certificate from the site CA (mutual TLS),
 * the site token or any API token; partial SQL runs through the same
 * read-only guard as every user query.
 */
export function peerRoutes(fabric: Fabric): Hono {
  const app = new Hono();
  app.use('*', async (c, next) => {
    const caller = verifiedPeerCertificate(c) ? { kind: 'peer' as const } : checkToken(presentedToken(c.req.header('authorization')), fabric.tokens, fabric.siteToken);
    if (!caller) {
      c.header('WWW-Authenticate', 'Bearer');
      return fail(c, 401, 'AUTH_INVALID', 'fabric routes need a client certificate from the site CA, the site token or an API token: "Authorization: Bearer <token>"');
    }
    await next();
  });
  app.get('/catalogue', async (c) => c.json(await fabric.catalogue.get()));
  app.post('/partial', async (c) => {
    const text = await c.req.text();
    if (text.length > 1_100_000) return fail(c, 413, 'BODY_TOO_LARGE', 'partial query body too large');
    let body: z.infer<typeof partialBody>;
    try {
      body = partialBody.parse(JSON.parse(text));
    } catch (err) {
      return fail(c, 400, 'BODY_INVALID', `partial query body is invalid: ${errorMessage(err).slice(0, 300)}`);
    }
    try {
      const r = await fabric.local.query(body.sql, { maxRows: body.maxRows, timeoutMs: Math.min(body.timeoutMs, fabric.queryTimeoutMs) });
      return c.json({ node: fabric.node, columns: r.columns, rows: r.rows, truncated: r.truncated, elapsedMs: r.elapsedMs });
    } catch (err) {
      const code = String((err as { code?: unknown }).code ?? 'INTERNAL');
      return fail(c, USER_QUERY_ERRORS.has(code) ? 400 : code === 'FABRIC_SOURCE_UNAVAILABLE' ? 503 : 500, code, errorMessage(err));
    }
  });
  return app;
}

/** User-facing fabric routes (mounted inside the authenticated /api/v1): peers, catalogue, sources. */
export function fabricApiRoutes(fabric: Fabric): Hono {
  const app = new Hono();
  app.get('/fabric/peers', (c) => c.json({ node: fabric.node, peers: fabric.peerStatus() }));
  app.get('/fabric/catalogue', async (c) => c.json(await fabric.catalogue.get()));
  app.get('/fabric/sources', (c) => c.json({ sources: fabric.sourceStatus() }));
  return app;
}
