/** A parsed EdgeLake `sql` command. */
export interface EdgeLakeSql {
  dbms: string;
  format: 'json' | 'json:output' | 'json:list' | 'table';
  stat: boolean;
  select: string;
  /** `run client ()` prefix: the query goes to the network. */
  network: boolean;
}

/**
 * Parses the `command` header of an EdgeLake REST call, e.g.
 * `sql plant format = json and stat = false "select ..."`, optionally
 * prefixed by `run client ()`. Returns a reason string when it cannot.
 */
export function parseEdgeLakeCommand(command: string): EdgeLakeSql | { unsupported: string } {
  let text = command.trim();
  let network = false;
  const client = /^run\s+client\s*\(([^)]*)\)\s*/i.exec(text);
  if (client) {
    if (client[1]!.trim() !== '') return { unsupported: 'run client with an explicit node list; use "destination: network" or run client ()' };
    network = true;
    text = text.slice(client[0].length);
  }
  const head = /^sql\s+([A-Za-z0-9_.-]+)\s*/i.exec(text);
  if (!head) return { unsupported: `"${text.split(/\s+/).slice(0, 3).join(' ')}"; this node answers "sql <dbms> ... "<select>"" and "get status"` };
  let rest = text.slice(head[0].length);
  const quote = rest.search(/["']/);
  let select: string;
  let options: string;
  if (quote >= 0) {
    const q = rest[quote]!;
    const end = rest.lastIndexOf(q);
    if (end <= quote) return { unsupported: 'the SELECT statement has no closing quote' };
    options = rest.slice(0, quote);
    select = rest.slice(quote + 1, end);
  } else {
    const m = /\b(select|with)\b/i.exec(rest);
    if (!m) return { unsupported: 'no SELECT statement in the command' };
    options = rest.slice(0, m.index);
    select = rest.slice(m.index);
  }
  rest = options;
  const format = /format\s*=\s*([a-z:]+)/i.exec(rest)?.[1]?.toLowerCase() ?? 'json';
  if (!['json', 'json:output', 'json:list', 'table'].includes(format)) return { unsupported: `format = ${format}` };
  const stat = /stat\s*=\s*(true|false)/i.exec(rest)?.[1]?.toLowerCase() !== 'false';
  return { dbms: head[1]!, format: format as EdgeLakeSql['format'], stat, select: select.trim().replace(/;\s*$/, ''), network };
}

const UNITS: Record<string, string> = {
  s: 'second', second: 'second', seconds: 'second', t: 'minute', minute: 'minute', minutes: 'minute', h: 'hour', hour: 'hour', hours: 'hour',
  d: 'day', day: 'day', days: 'day', w: 'week', week: 'week', weeks: 'week', m: 'month', month: 'month', months: 'month', y: 'year', year: 'year', years: 'year',
};

/** The SQL unit of an EdgeLake time unit name (minute, minutes, t...), or undefined. */
export function timeUnit(name: string): string | undefined {
  return UNITS[name.toLowerCase()];
}

/**
 * Rewrites EdgeLake time arithmetic outside string literals into SQL
 * intervals: `now() - 1 hour`, `-4t`, `+3d` become `- INTERVAL '1 hour'`...
 */
export function edgeLakeIntervals(sql: string): string {
  return mapOutsideStrings(sql, (part) =>
    part.replace(/([+-])\s*(\d+)\s*(seconds?|minutes?|hours?|days?|weeks?|months?|years?|[stmhdwy])\b/gi, (all, sign: string, n: string, unit: string) => {
      const u = timeUnit(unit);
      return u ? `${sign} INTERVAL '${n} ${u}'` : all;
    }),
  );
}

/** Applies `fn` to the parts of `sql` outside '...' literals. */
export function mapOutsideStrings(sql: string, fn: (part: string) => string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const q = sql.indexOf("'", i);
    if (q < 0) {
      out += fn(sql.slice(i));
      break;
    }
    out += fn(sql.slice(i, q));
    let end = q + 1;
    for (;;) {
      const next = sql.indexOf("'", end);
      if (next < 0) {
        end = sql.length;
        break;
      }
      if (sql[next + 1] === "'") end = next + 2;
      else {
        end = next + 1;
        break;
      }
    }
    out += sql.slice(q, end);
    i = end;
  }
  return out;
}

/** Finds `name(` ... `)` outside strings and returns its span and top-level arguments. */
export function findCall(sql: string, name: string): { start: number; end: number; args: string[] } | undefined {
  const re = new RegExp(`\\b${name}\\s*\\(`, 'gi');
  let m: RegExpExecArray | null;
  while ((m = re.exec(sql))) {
    if (insideString(sql, m.index)) continue;
    const args: string[] = [];
    let depth = 1;
    let quote = false;
    let start = m.index + m[0].length;
    for (let i = start; i < sql.length; i++) {
      const ch = sql[i]!;
      if (ch === "'") quote = !quote;
      if (quote) continue;
      if (ch === '(') depth++;
      else if (ch === ')' && --depth === 0) {
        args.push(sql.slice(start, i).trim());
        return { start: m.index, end: i + 1, args };
      } else if (ch === ',' && depth === 1) {
        args.push(sql.slice(start, i).trim());
        start = i + 1;
      }
    }
  }
  return undefined;
}

function insideString(sql: string, at: number): boolean {
  let quote = false;
  for (let i = 0; i < at; i++) if (sql[i] === "'") quote = !quote;
  return quote;
}
