import { randomUUID } from 'node:crypto';
import type { Hono, MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { QueryResult } from '../store/index.js';
import { LocalCatalogue } from './catalogue.js';
import { edgeLakeMiddleware } from './edgelake/edgelake-route.js';
import type { FabricConfig } from './fabric-config.js';
import { fabricApiRoutes, peerRoutes } from './fabric-routes.js';
import { LocalSql, type FabricStore, type LatestRow } from './local-sql.js';
import { MergeEngine } from './merge-engine.js';
import { PeerDirectory } from './peer-directory.js';
import type { TlsOptions } from 'node:tls';
import type { TlsMaterial } from '../security/index.js';
import { startPgServer, type PgServer } from './pg/pg-server.js';
import { SiteQuery, type SiteQueryResult } from './site-query.js';
import { SqlAst } from './sql-ast.js';
import type { TokenVerifier } from './token-check.js';

/** Where a query runs: this node only, or every node of the site. */
export type QueryScope = 'local' | 'site';

export interface FabricQueryOptions {
  maxRows: number;
  timeoutMs: number;
  scope?: QueryScope;
  allowPartial?: boolean;
}

export interface FabricOptions {
  config: FabricConfig;
  siteId: string;
  dataDir: string;
  store: FabricStore;
  latest: () => LatestRow[];
  tokens: TokenVerifier;
  /** Default row cap and time limit of protocol endpoints (api.queryMaxRows / api.queryTimeout). */
  queryMaxRows: number;
  queryTimeoutMs: number;
  version?: string;
  logger?: Logger;
  /** PostgreSQL wire port (overrides fabric.pg.port); undefined and unset in config = off. */
  pgPort?: number;
  pgHost?: string;
  /** Server TLS options of the PostgreSQL endpoint (from the node's certificate); null/undefined: plain text. */
  pgTls?: TlsOptions | null;
  /** The node's certificate: https:// peers are verified against its site CA and shown the certificate (mutual TLS). */
  tls?: TlsMaterial | null;
}

/**
 * The data fabric of one node: SQL over its store, virtual sources and the
 * live `latest` table; site queries fanned out to its peers and merged
 * exactly; and the PostgreSQL-wire and EdgeLake-style endpoints.
 */
export class Fabric {
  readonly node: string;
  readonly instance = randomUUID();
  readonly local: LocalSql;
  readonly catalogue: LocalCatalogue;
  readonly tokens: TokenVerifier;
  readonly queryMaxRows: number;
  readonly queryTimeoutMs: number;
  readonly #ast: SqlAst;
  readonly #merge: MergeEngine;
  readonly #peers: PeerDirectory;
  readonly #site: SiteQuery;
  readonly #opts: FabricOptions;
  #pg: PgServer | undefined;

  private constructor(opts: FabricOptions, ast: SqlAst, merge: MergeEngine) {
    this.#opts = opts;
    this.node = opts.config.node ?? opts.siteId;
    this.tokens = opts.tokens;
    this.queryMaxRows = opts.queryMaxRows;
    this.queryTimeoutMs = opts.queryTimeoutMs;
    this.#ast = ast;
    this.#merge = merge;
    this.local = new LocalSql({ store: opts.store, ast, latest: opts.latest, sources: opts.config.sources, dataDir: opts.dataDir });
    this.#peers = new PeerDirectory({ config: opts.config, instance: this.instance, dataDir: opts.dataDir, tls: opts.tls ?? null, ...(opts.logger ? { logger: opts.logger } : {}) });
    this.catalogue = new LocalCatalogue(this.local, { node: this.node, instance: this.instance, siteId: opts.siteId, version: opts.version ?? '0.1.0', pgPort: () => this.#pg?.port ?? null });
    this.#site = new SiteQuery({ ast, local: this.local, merge, peers: this.#peers, node: this.node, peerTimeoutMs: opts.config.peerTimeout });
  }

  /** Creates the fabric and starts peer discovery and, when a port is set, the PostgreSQL endpoint. */
  static async start(opts: FabricOptions): Promise<Fabric> {
    const ast = await SqlAst.create();
    const merge = await MergeEngine.create();
    const fabric = new Fabric(opts, ast, merge);
    try {
      await fabric.#peers.start();
      const port = opts.pgPort ?? opts.config.pg.port;
      if (port !== undefined) {
        fabric.#pg = await startPgServer({ fabric, host: opts.pgHost ?? opts.config.pg.host ?? '127.0.0.1', port, tls: opts.pgTls ?? null, ...(opts.logger ? { logger: opts.logger } : {}) });
      }
      return fabric;
    } catch (err) {
      await fabric.stop();
      throw err;
    }
  }

  get siteToken(): string | undefined {
    return this.#peers.siteToken;
  }

  /** The PostgreSQL endpoint's port, when it runs. */
  get pgPort(): number | undefined {
    return this.#pg?.port;
  }

  get ast(): SqlAst {
    return this.#ast;
  }

  /** Runs read-only SQL on this node (scope local, the default) or on the whole site. */
  query(sql: string, opts: FabricQueryOptions): Promise<QueryResult | SiteQueryResult> {
    if (opts.scope === 'site') return this.#site.run(sql, opts);
    return this.local.query(sql, opts);
  }

  /** Tag ids the peers' catalogues list. */
  async peerTags(): Promise<string[]> {
    return this.#peers.all().flatMap((p) => (p.state === 'up' ? (p.catalogue?.tags.map((t) => t.tag) ?? []) : []));
  }

  peerStatus(): { url: string; node: string | null; state: string; lastSeen: string | null; latencyMs: number | null; error: string | null; tags: number | null }[] {
    return this.#peers.all().map((p) => ({
      url: p.client.url, node: p.node ?? null, state: p.state, lastSeen: p.lastSeen ? new Date(p.lastSeen).toISOString() : null,
      latencyMs: p.latencyMs ?? null, error: p.error ?? null, tags: p.catalogue?.tags.length ?? null,
    }));
  }

  sourceStatus(): unknown[] {
    return [...this.local.sources.values()].map((s) => ({ ...s.describe(), ...('lastPull' in s && s.lastPull ? { lastPull: s.lastPull } : {}) }));
  }

  /** Routes for the API: node-to-node (/fabric/v1), user (/api/v1/fabric/...), EdgeLake-style GET /. */
  routes(): { peer: Hono; api: Hono; edgeLake: MiddlewareHandler | undefined } {
    return { peer: peerRoutes(this), api: fabricApiRoutes(this), edgeLake: this.#opts.config.edgelake ? edgeLakeMiddleware(this) : undefined };
  }

  async stop(): Promise<void> {
    this.#peers.stop();
    await this.#pg?.close();
    await this.local.close();
    this.#merge.close();
    this.#ast.close();
  }
}
