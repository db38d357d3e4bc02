/** The SQL the hub needs from its database, the same for PostgreSQL and PGlite. */
export interface HubSql {
  query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/** A hub database: queries, transactions, close. */
export interface HubDatabase extends HubSql {
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: HubSql) => Promise<T>): Promise<T>;
  /** Where the data lives, for logs ("postgres://host/db", "pglite:/path"). */
  readonly description: string;
  close(): Promise<void>;
}
