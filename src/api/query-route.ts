import { Hono } from 'hono';
import { z } from 'zod';
import type { ApiEnv } from './api-env.js';
import { requireRole } from './bearer-auth.js';
import { jsonValue, toCsv } from './csv.js';
import type { ApiDeps, QueryResult } from './deps.js';
import { ApiError } from './errors.js';
import { limitBody, readJson } from './json-body.js';

const queryBody = z
  .object({
    sql: z.string().trim().min(1, 'expected the SQL text to run'),
    format: z.enum(['json', 'csv']).optional(),
    maxRows: z.number().int().positive().optional(),
    scope: z.enum(['local', 'site']).optional(),
    allowPartial: z.boolean().optional(),
  })
  .strict();

/**
 * A query timeout is answered 400, not 408: browsers and proxies may silently
 * retry a 408, which would rerun an expensive query.
 */
const QUERY_ERRORS = new Set(['QUERY_INVALID', 'QUERY_NOT_READ_ONLY', 'QUERY_TIMEOUT', 'QUERY_TOO_LARGE', 'QUERY_FAILED', 'FABRIC_NOT_DECOMPOSABLE', 'FABRIC_TOO_MANY_GROUPS', 'FABRIC_SOURCE_TOO_LARGE']);
/** A virtual source or a peer is down: the node is fine, try again later. */
const UNAVAILABLE_ERRORS = new Set(['FABRIC_SOURCE_UNAVAILABLE', 'FABRIC_PARTIAL']);

/** `POST /query`: read-only SQL, answered as JSON or CSV. */
export function queryRoute(deps: ApiDeps): Hono<ApiEnv> {
  const { api } = deps.config;
  return new Hono<ApiEnv>().post('/query', requireRole('viewer'), limitBody(api.maxBodyBytes), async (c) => {
    const body = await readJson(c, queryBody);
    const maxRows = Math.min(body.maxRows ?? api.queryMaxRows, api.queryMaxRows);
    let result: QueryResult;
    try {
      // EdgeLake clients ask for the whole network with a "destination: network" header.
      const scope = body.scope ?? (/^network$/i.test(c.req.header('destination') ?? '') ? 'site' : 'local');
      result = await deps.query(body.sql, { maxRows, timeoutMs: api.queryTimeout, ...(scope === 'site' ? { scope } : {}), ...(body.allowPartial !== undefined ? { allowPartial: body.allowPartial } : {}) });
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'string' && QUERY_ERRORS.has(code)) throw new ApiError(400, code, (err as Error).message, { cause: err });
      if (typeof code === 'string' && UNAVAILABLE_ERRORS.has(code)) throw new ApiError(503, code, (err as Error).message, { cause: err });
      throw err;
    }
    const columns = result.columns.map((col) => col.name);
    const format = body.format ?? ((c.req.header('accept') ?? '').includes('text/csv') ? 'csv' : 'json');
    if (result.partial) c.header('X-Fabrik-Partial', `missing ${result.missing?.map((m) => m.node).join(', ') ?? ''}`);
    if (format === 'csv') {
      c.header('X-Fabrik-Truncated', String(result.truncated));
      return c.body(toCsv(columns, result.rows), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
    }
    return c.json({
      columns,
      types: result.columns.map((col) => col.type),
      rows: result.rows.map((row) => row.map(jsonValue)),
      truncated: result.truncated,
      elapsedMs: result.elapsedMs,
      ...(result.scope === 'site' ? { scope: 'site', partial: result.partial ?? false, missing: result.missing ?? [], nodes: result.nodes ?? [] } : {}),
    });
  });
}
