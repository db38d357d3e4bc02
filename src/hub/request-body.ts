import { gunzipSync } from 'node:zlib';
import type { Context } from 'hono';
import type { z } from 'zod';
import { HubError, HubErrorCode } from './errors.js';

/** Reads a JSON body (gzip when the site says so), at most `maxBytes` unpacked, checked against `schema`. */
export async function readBody<S extends z.ZodType>(c: Context, schema: S, maxBytes: number): Promise<{ data: z.output<S>; bytes: number }> {
  // Compressed bodies are smaller than what they unpack to: a body announced larger than the limit is refused unread.
  const announced = Number(c.req.header('content-length') ?? 0);
  if (announced > maxBytes) throw new HubError(HubErrorCode.BadRequest, `the body is ${announced} bytes; at most ${maxBytes} are accepted`);
  const raw = Buffer.from(await c.req.arrayBuffer());
  let text: string;
  try {
    const unpacked = c.req.header('content-encoding')?.toLowerCase() === 'gzip' ? gunzipSync(raw, { maxOutputLength: maxBytes }) : raw;
    if (unpacked.length > maxBytes) throw new Error(`more than ${maxBytes} bytes`);
    text = unpacked.toString('utf8');
  } catch (err) {
    throw new HubError(HubErrorCode.BadRequest, `the body cannot be read: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new HubError(HubErrorCode.BadRequest, 'the body is not JSON');
  }
  const parsed = schema.safeParse(doc);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    throw new HubError(HubErrorCode.BadRequest, `the body is invalid: ${problems}`);
  }
  return { data: parsed.data, bytes: raw.length };
}
