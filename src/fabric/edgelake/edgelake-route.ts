import type { Context, MiddlewareHandler } from 'hono';
import { USER_QUERY_ERRORS, errorMessage } from '../errors.js';
import type { Fabric } from '../fabric.js';
import type { SiteQueryResult } from '../site-query.js';
import { checkToken, presentedToken } from '../token-check.js';
import { parseEdgeLakeCommand } from './edgelake-command.js';
import { runEdgeLakeSql } from './edgelake-sql.js';

/**
 * EdgeLake-compatible REST on `GET /`: a `command` header such as
 * `sql plant format=json "select ..."` (with `destination: network` or a
 * `run client ()` prefix for the whole site) answers like an EdgeLake query
 * node: `{"Query": [{column: value, ...}], "Statistics": [...]}`. Requests
 * without a `command` header fall through to the dashboard.
 */
export function edgeLakeMiddleware(fabric: Fabric): MiddlewareHandler {
  return async (c, next) => {
    const command = c.req.header('command');
    if (c.req.method !== 'GET' || command === undefined) return next();
    if (!checkToken(presentedToken(c.req.header('authorization')), fabric.tokens, fabric.siteToken)) {
      c.header('WWW-Authenticate', 'Basic realm="fabrik", charset="UTF-8"');
      return c.json({ err_code: 401, err_text: 'send an API token: "Authorization: Bearer <token>" or basic auth with the token as password' }, 401);
    }
    if (/^\s*get\s+status\s*$/i.test(command)) return c.json({ Status: `${fabric.node} running` });
    const parsed = parseEdgeLakeCommand(command);
    if ('unsupported' in parsed) return c.json({ err_code: 400, err_text: `unsupported EdgeLake command: ${parsed.unsupported}` }, 400);
    const network = parsed.network || /^network$/i.test(c.req.header('destination') ?? '');
    const started = performance.now();
    try {
      const r = await runEdgeLakeSql(fabric, parsed.select, { scope: network ? 'site' : 'local', maxRows: fabric.queryMaxRows, timeoutMs: fabric.queryTimeoutMs });
      return answer(c, r, parsed.format, parsed.stat, performance.now() - started);
    } catch (err) {
      const code = String((err as { code?: unknown }).code ?? '');
      const status = USER_QUERY_ERRORS.has(code) || code.startsWith('FABRIC_EDGELAKE') ? 400 : code === 'FABRIC_SOURCE_UNAVAILABLE' || code === 'FABRIC_PARTIAL' ? 503 : 500;
      return c.json({ err_code: status, err_text: errorMessage(err) }, status);
    }
  };
}

function answer(c: Context, r: Awaited<ReturnType<typeof runEdgeLakeSql>>, format: string, stat: boolean, ms: number): Response {
  const names = r.columns.map((col) => col.name);
  const time = r.columns.map((col) => col.type.startsWith('TIMESTAMP'));
  const value = (v: unknown, i: number): unknown => (time[i] && typeof v === 'string' ? edgeLakeTime(v) : v);
  const site = r as Partial<SiteQueryResult>;
  if (format === 'table') {
    const rows = r.rows.map((row) => row.map((v, i) => String(value(v, i) ?? '')));
    const widths = names.map((n, i) => Math.max(n.length, ...rows.map((row) => row[i]!.length)));
    const line = (cells: string[]): string => cells.map((x, i) => x.padEnd(widths[i]!)).join(' | ');
    const text = [line(names), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
    return c.text(`${text}\n`);
  }
  const objects = r.rows.map((row) => Object.fromEntries(row.map((v, i) => [names[i]!, value(v, i)])));
  if (format === 'json:output') return c.body(objects.map((o) => JSON.stringify(o)).join('\n'), 200, { 'content-type': 'application/json' });
  if (format === 'json:list') return c.json(objects);
  const body: Record<string, unknown> = { Query: objects };
  if (stat) {
    const nodes = site.nodes?.filter((n) => n.state === 'answered').length ?? 1;
    body['Statistics'] = [{
      Count: r.rows.length, Time: clock(ms), Nodes: nodes,
      ...(site.partial ? { Partial: true, Missing: site.missing?.map((m) => m.node) } : {}),
      ...(r.truncated ? { Truncated: true } : {}),
    }];
  }
  return c.json(body);
}

/** "2024-03-01T10:00:00.000Z" → "2024-03-01 10:00:00.000000", EdgeLake's timestamp text. */
function edgeLakeTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(iso);
  return m ? `${m[1]} ${m[2]}.${(m[3] ?? '').padEnd(6, '0')}` : iso;
}

function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(Math.floor(s / 3600))}:${p(Math.floor(s / 60) % 60)}:${p(s % 60)}`;
}
