import { z } from 'zod';
import { badRequest } from './errors.js';
import { validate } from './json-body.js';

const HOUR = 3_600_000;

/** An ISO time or epoch milliseconds, as query parameters carry them. */
export const timeParam = z.string().transform((s, ctx) => {
  const ms = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: `expected an ISO time (2024-05-01T08:00:00Z) or epoch milliseconds, got "${s}"` });
    return z.NEVER;
  }
  return ms;
});

const rangeQuery = z.object({ from: timeParam.optional(), to: timeParam.optional() });

/** `from`/`to` of a query string as epoch ms; the last hour when absent, `to` defaulting to now. */
export function timeRange(query: Record<string, string>, now = Date.now(), maxSpanMs = 400 * 24 * HOUR): { from: number; to: number } {
  const q = validate(rangeQuery, { from: query.from, to: query.to }, 'QUERY_PARAMS_INVALID', 'query string');
  const to = q.to ?? now;
  const from = q.from ?? to - HOUR;
  if (from > to) throw badRequest('QUERY_PARAMS_INVALID', `"from" (${new Date(from).toISOString()}) is after "to" (${new Date(to).toISOString()})`);
  if (to - from > maxSpanMs) throw badRequest('QUERY_PARAMS_INVALID', `the range is longer than ${Math.round(maxSpanMs / 86_400_000)} days; ask for a shorter one`);
  return { from, to };
}
