import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiLogger } from './deps.js';
import { ApiError } from './errors.js';

/** The one error body of the API. */
export function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

/** Turns anything a route threw into `{ error: { code, message } }` with its status. */
export function errorResponse(err: unknown, c: Context, logger?: ApiLogger): Response {
  if (err instanceof ApiError) {
    if (err.status === 401) c.header('WWW-Authenticate', 'Bearer');
    // The rest of an oversized body is never read, so this connection cannot carry another request.
    if (err.status === 413) c.header('Connection', 'close');
    return c.json(errorBody(err.code, err.message), err.status as ContentfulStatusCode);
  }
  if (err instanceof HTTPException) {
    return c.json(errorBody(`HTTP_${err.status}`, err.message || 'request failed'), err.status);
  }
  logger?.error({ err, method: c.req.method, path: c.req.path }, 'API request failed');
  return c.json(errorBody('INTERNAL', 'internal error while handling the request; see the node log'), 500);
}
