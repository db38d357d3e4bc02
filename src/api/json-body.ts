import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import { ApiError } from './errors.js';

/** Refuses bodies over `maxBytes` with a 413 that names the limit (also for chunked bodies). */
export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(413, 'BODY_TOO_LARGE', `request body is larger than ${maxBytes} bytes (api.maxBodyBytes); send less or raise the limit in the site config`);
    },
  });
}

/** Parses the JSON body and validates it, throwing 400s that say what is wrong. */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const text = await c.req.text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ApiError(400, 'BODY_MALFORMED', `request body is not valid JSON: ${(err as Error).message}`);
  }
  return validate(schema, value, 'BODY_INVALID', 'request body');
}

/** Validates a value with a zod schema or throws a 400 listing the problems. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, code: string, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
  throw new ApiError(400, code, `${what} is invalid: ${problems}`);
}
