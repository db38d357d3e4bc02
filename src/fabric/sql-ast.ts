import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { FabricError, errorMessage } from './errors.js';

/** A node of DuckDB's serialized parse tree (json_serialize_sql); loosely typed on purpose. */
export type AstNode = { [key: string]: unknown };

/** Parsed statement list. */
export interface ParsedSql {
  statements: AstNode[];
}

/**
 * DuckDB's own parser as a service: `json_serialize_sql` turns SQL into its
 * parse tree and `json_deserialize_sql` turns a (rewritten) tree back into
 * SQL, so the fabric rewrites queries structurally instead of with regexes.
 * Runs on a private in-memory database with no file or network access.
 */
export class SqlAst {
  readonly #instance: DuckDBInstance;
  readonly #conn: DuckDBConnection;
  readonly aggregates: ReadonlySet<string>;

  private constructor(instance: DuckDBInstance, conn: DuckDBConnection, aggregates: Set<string>) {
    this.#instance = instance;
    this.#conn = conn;
    this.aggregates = aggregates;
  }

  static async create(): Promise<SqlAst> {
    const instance = await DuckDBInstance.create(':memory:', { enable_external_access: 'false', autoload_known_extensions: 'false', autoinstall_known_extensions: 'false' });
    const conn = await instance.connect();
    const r = await conn.runAndReadAll("SELECT DISTINCT function_name FROM duckdb_functions() WHERE function_type = 'aggregate'");
    const aggregates = new Set(r.getRows().map(([n]) => String(n).toLowerCase()));
    // The parser spells count(*) as count_star.
    aggregates.add('count_star');
    return new SqlAst(instance, conn, aggregates);
  }

  /** Parses SQL; a syntax error throws QUERY_INVALID with DuckDB's message. */
  async parse(sql: string): Promise<ParsedSql> {
    const r = await this.#conn.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)', [sql]);
    const doc = parseExactJson(String(r.getRows()[0]?.[0] ?? '{}')) as { error?: boolean; error_message?: string; statements?: AstNode[] };
    if (doc.error) {
      const msg = doc.error_message ?? 'the SQL cannot be parsed';
      if (/only SELECT statements/i.test(msg)) {
        throw Object.assign(new FabricError('FABRIC_NOT_DECOMPOSABLE', 'only SELECT statements are allowed: the SQL endpoint is read-only (SELECT, WITH … SELECT)'), { code: 'QUERY_NOT_READ_ONLY' });
      }
      throw Object.assign(new FabricError('FABRIC_NOT_DECOMPOSABLE', msg), { code: 'QUERY_INVALID' });
    }
    return { statements: doc.statements ?? [] };
  }

  /** SQL text of one statement's tree. */
  async deparse(statement: AstNode): Promise<string> {
    const doc = stringifyExactJson({ error: false, statements: [statement] });
    try {
      const r = await this.#conn.runAndReadAll('SELECT json_deserialize_sql($1::JSON)', [doc]);
      return String(r.getRows()[0]?.[0] ?? '');
    } catch (cause) {
      throw new FabricError('FABRIC_NOT_DECOMPOSABLE', `cannot rebuild SQL from the rewritten plan: ${errorMessage(cause)}`, { cause });
    }
  }

  /** SQL text of one expression. */
  async deparseExpression(expr: AstNode): Promise<string> {
    const sql = await this.deparse(selectOf([{ ...expr, alias: '' }]));
    return sql.replace(/^SELECT /, '');
  }

  close(): void {
    this.#conn.closeSync();
    this.#instance.closeSync();
  }
}

/** A SELECT node with the given select list and no FROM. */
export function selectOf(selectList: AstNode[], from: AstNode = { type: 'EMPTY', alias: '', sample: null }): AstNode {
  return {
    node: {
      type: 'SELECT_NODE', modifiers: [], cte_map: { map: [] }, select_list: selectList, from_table: from,
      where_clause: null, group_expressions: [], group_sets: [], aggregate_handling: 'STANDARD_HANDLING', having: null, sample: null, qualify: null,
    },
    named_param_map: [],
  };
}

export function baseTable(name: string, alias = ''): AstNode {
  return { type: 'BASE_TABLE', alias, sample: null, schema_name: '', table_name: name, column_name_alias: [], catalog_name: '', at_clause: null };
}

export function columnRef(name: string, alias = ''): AstNode {
  return { class: 'COLUMN_REF', type: 'COLUMN_REF', alias, column_names: [name] };
}

export function functionCall(name: string, children: AstNode[], extra: Partial<AstNode> = {}): AstNode {
  return {
    class: 'FUNCTION', type: 'FUNCTION', alias: '', function_name: name, schema: '', children, filter: null,
    order_bys: { type: 'ORDER_MODIFIER', orders: [] }, distinct: false, is_operator: false, export_state: false, catalog: '', ...extra,
  };
}

export function constant(value: number | string, id: 'INTEGER' | 'BIGINT' | 'VARCHAR' | 'DOUBLE' = typeof value === 'number' ? 'BIGINT' : 'VARCHAR'): AstNode {
  return { class: 'CONSTANT', type: 'VALUE_CONSTANT', alias: '', value: { type: { id, type_info: null }, is_null: false, value } };
}

export function isNode(v: unknown): v is AstNode {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Calls `visit` on every object node under `root` (depth first, parents first). */
export function walk(root: unknown, visit: (node: AstNode) => void): void {
  if (Array.isArray(root)) {
    for (const x of root) walk(x, visit);
    return;
  }
  if (!isNode(root)) return;
  visit(root);
  for (const v of Object.values(root)) if (typeof v === 'object' && v !== null) walk(v, visit);
}

/** A copy of `root` where `replace` may substitute any expression node (returning undefined keeps it and descends). */
export function rewrite(root: unknown, replace: (node: AstNode) => AstNode | undefined): unknown {
  if (Array.isArray(root)) return root.map((x) => rewrite(x, replace));
  if (!isNode(root)) return root;
  const hit = typeof root['class'] === 'string' ? replace(root) : undefined;
  if (hit) return hit;
  const out: AstNode = {};
  for (const [k, v] of Object.entries(root)) out[k] = typeof v === 'object' && v !== null ? rewrite(v, replace) : v;
  return out;
}

/** Structural equality of two expressions, ignoring aliases and source positions. */
export function sameExpression(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

export function canonical(x: unknown): string {
  return JSON.stringify(x, (key, value: unknown) => (key === 'query_location' || key === 'alias' ? undefined : value));
}

/** Lower-cased function name of a FUNCTION node, else undefined. */
export function functionName(node: AstNode): string | undefined {
  return node['class'] === 'FUNCTION' && typeof node['function_name'] === 'string' ? node['function_name'].toLowerCase() : undefined;
}

const NUMBER_MARK = '\u0000n:';

/**
 * JSON.parse that keeps numbers exactly as DuckDB wrote them: a double like
 * `1000000.0` must not come back as the integer 1000000, nor a 64-bit
 * integer lose digits. Such numbers become marked strings that
 * `stringifyExactJson` writes back verbatim; source positions are dropped.
 */
export function parseExactJson(text: string): unknown {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
      const m = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(i, i + 64))![0];
      const plain = /^-?\d+$/.test(m) && Number.isSafeInteger(Number(m));
      out += plain ? m : JSON.stringify(NUMBER_MARK + m);
      i += m.length;
    } else {
      out += ch;
      i++;
    }
  }
  return JSON.parse(out, (key, value: unknown) => (key === 'query_location' ? undefined : value));
}

/** The inverse of `parseExactJson`. */
export function stringifyExactJson(value: unknown): string {
  return JSON.stringify(value).replace(/"\\u0000n:([^"]*)"/g, '$1');
}
