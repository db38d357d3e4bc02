import type { Hono, MiddlewareHandler } from 'hono';
import type { Registry } from 'prom-client';
import type { ApiConfig, SiteConfig } from '../config/index.js';
import type { Bus, ComponentHealth, FabrikEvent, Sample, SampleBatch, TagRegistry } from '../core/index.js';
import type { AttemptLimiter, AuditLog, TokenStore, UserStore } from '../security/index.js';
import type { JwtVerifier } from './bearer-auth.js';
import type { InferenceControl } from './inference-control.js';
import type { AlarmControl, SpcControl } from './quality-control.js';

/** Column of a query result. */
export interface QueryColumn {
  name: string;
  type: string;
}

/** What `ApiDeps.query` answers. */
export interface QueryResult {
  columns: QueryColumn[];
  rows: unknown[][];
  truncated: boolean;
  elapsedMs: number;
  /** Site queries: which nodes answered, and whether some did not (then `partial`). */
  scope?: 'local' | 'site';
  partial?: boolean;
  missing?: { node: string; url: string; reason: string }[];
  nodes?: unknown[];
}

/** Filter of `ApiDeps.events`; times are epoch ms. */
export interface EventFilter {
  from?: number;
  to?: number;
  kind?: string;
  assetPath?: string;
  tag?: string;
  limit?: number;
}

/** The node's overall health. */
export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  components: Record<string, ComponentHealth>;
}

/** Fault injection into the simulator; present only when the node runs one. */
export interface SimControl {
  /** Throws an Error with a `code` and a message when the spec is invalid (→ 400). */
  injectFault(spec: unknown): { id: string };
  clearFault(id: string): boolean;
  faults(): unknown[];
}

/** A server certificate in the OPC UA client's trust list or waiting for approval. */
export interface OpcuaServerCertificate {
  /** SHA-1, lower-case hex: the id to trust it by. */
  thumbprint: string;
  commonName: string;
  applicationUri: string | null;
  validFrom: string;
  validTo: string;
  /** When it was rejected (or trusted), ISO 8601. */
  since: string;
}

/** The OPC UA client's trust list: unknown server certificates wait here for an engineer. */
export interface OpcuaCertificates {
  list(): Promise<{ rejected: OpcuaServerCertificate[]; trusted: OpcuaServerCertificate[] }>;
  /** Throws an Error with code OPCUA_CERTIFICATE_NOT_FOUND when no rejected certificate has this thumbprint. */
  trust(thumbprint: string): Promise<OpcuaServerCertificate>;
}

/** Writes to devices; the node finds the running source of the tag's device. */
export interface TagWriteControl {
  /**
   * Writes and reads back. Throws an Error with a `code`: TAG_SOURCE_NOT_RUNNING,
   * TAG_SOURCE_CANNOT_WRITE, or the adapter's (e.g. OPCUA_NOT_CONNECTED, OPCUA_WRITE_FAILED).
   */
  write(tagIndex: number, value: number | boolean | string): Promise<{ value: number | boolean | string; quality: number; ts: number }>;
}

/** The node's signed-config rollout, as the config routes see it. */
export interface ConfigControl {
  /** The applied version and history (what the hub reads). */
  status(): Promise<Record<string, unknown>>;
  /**
   * Verifies, stages and switches to a signed config document. Throws an Error
   * with a `code` (SIGNATURE_UNTRUSTED, SIGNED_CONFIG_MALFORMED, CONFIG_INVALID,
   * CONFIG_VERSION_STALE, CONFIG_ROLLED_BACK, CONFIG_APPLY_BUSY) when it does not apply.
   */
  apply(text: string, actor: string): Promise<Record<string, unknown>>;
}

/** Authentication and audit parts of the API; all optional so a bare API (tests, tools) still serves. */
export interface SecurityDeps {
  users?: UserStore;
  /** Verifies OIDC JWTs when security.oidc is configured. */
  oidc?: JwtVerifier;
  /** Throttles POST /auth/login. */
  loginLimiter?: AttemptLimiter;
  /** Lifetime of login tokens, ms. */
  sessionTtlMs?: number;
  audit?: AuditLog;
  configControl?: ConfigControl;
  /** Stores and publishes an event (token.created, token.revoked, user.changed...). */
  recordEvent?(event: FabrikEvent): void;
}

/** Minimal logger (pino fits). */
export interface ApiLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * Everything the API needs from the node. The API never imports the store or
 * the pipeline; the node runtime adapts them to this interface.
 */
export interface ApiDeps {
  tags: TagRegistry;
  tokens: TokenStore;
  /** 'samples' carries batches after they are stored; 'events' every event. */
  bus: Bus;
  /**
   * Runs read-only SQL. Throws an Error whose `code` is QUERY_INVALID,
   * QUERY_NOT_READ_ONLY, QUERY_TIMEOUT or QUERY_TOO_LARGE (→ HTTP 400).
   */
  query(sql: string, opts: { maxRows: number; timeoutMs: number; scope?: 'local' | 'site'; allowPartial?: boolean }): Promise<QueryResult>;
  latest(tagIndex: number): Sample | undefined;
  events(filter: EventFilter): Promise<FabrikEvent[]>;
  health(): HealthReport;
  ready(): boolean;
  /** The node's registry; the API adds its own series to it. */
  metrics: Registry;
  /** Extra context (assetPath, line, unit, shift...) for sample i, sent to stream clients that ask for it. */
  enrich?(batch: SampleBatch, i: number): Record<string, unknown>;
  sim?: SimControl;
  /** Write-back to devices (tags marked writable). */
  writeTag?: TagWriteControl;
  /** OPC UA server certificate approval. */
  opcua?: OpcuaCertificates;
  /** The data fabric's routes: node-to-node (/fabric/v1), user (/api/v1/fabric/...), EdgeLake-style GET /. */
  fabric?: { peer: Hono; api: Hono; edgeLake: MiddlewareHandler | undefined };
  /** Store size and row counts (fileBytes, rowsRaw, rowsRollup, archiveFiles...) for the dashboard's System page. */
  storeStats?(): Record<string, number>;
  /** Models, detectors and inspection cameras; present when the node runs inference. */
  inference?: InferenceControl;
  /** Live SPC: characteristics, charts, capability, limit changes; present when the node runs it. */
  spc?: SpcControl;
  /** ISA-18.2 alarms: list, journal, acknowledge, shelve; present when the node runs them. */
  alarms?: AlarmControl;
  logger?: ApiLogger;
  /** Store-and-forward to the hub: `status()` is what GET /sync/status answers (the dashboard's SyncStatus). */
  sync?: { status(): Record<string, unknown>; hubOrigin?: string };
  /** The applied site config (assets, state maps, shifts) for routes that describe the site. */
  config: { api: ApiConfig; siteId: string; version: string; nodeName?: string; site?: SiteConfig };
  security?: SecurityDeps;
}
