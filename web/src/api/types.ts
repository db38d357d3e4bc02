/** Shapes the node answers with (see README "The API" and CONTRACTS). Times are epoch ms unless named ISO. */

export type Role = 'viewer' | 'operator' | 'engineer' | 'admin';
export type MachineState = 'running' | 'idle' | 'faulted' | 'off';

export interface Identity {
  role: Role;
  tokenId: string;
  name: string;
}

export interface SiteAsset {
  path: string;
  name: string;
  kind: string;
  description: string;
  stateTag?: string;
  stateMap?: Record<string, MachineState>;
}

export interface LineKpiConfig {
  asset: string;
  stateTag: string;
  countTag: string;
  scrapTags: string[];
  idealRate: number;
  unit: string;
}

export interface Site {
  site: { id: string; name: string; enterprise?: string; timezone: string };
  nodeName?: string;
  version: string;
  config: { digest: string | null };
  assets: SiteAsset[];
  shifts: { name: string; start: string; end: string }[];
  currentShift: { name: string; from: number; to: number } | null;
  kpi: { lines: LineKpiConfig[] };
}

export interface StateDurations {
  running: number;
  idle: number;
  faulted: number;
  off: number;
  unknown: number;
}

export interface LineKpi {
  asset: string;
  name: string;
  unit: string;
  idealRate: number;
  from: number;
  to: number;
  durations: StateDurations;
  total: number;
  scrap: number;
  good: number;
  availability: number | null;
  performance: number | null;
  quality: number | null;
  oee: number | null;
  throughputPerHour: number | null;
  scrapRate: number | null;
  notes: string[];
}

export interface KpiAnswer {
  from: number;
  to: number;
  shift?: string;
  lines: LineKpi[];
}

export interface TagDefinition {
  id: string;
  assetPath: string;
  point: string;
  dataType: string;
  unit: string;
  description: string;
  low?: number;
  high?: number;
  writable: boolean;
}

export type SampleValue = number | boolean | string | null;

/** A value on the wire: `/latest` answers ts as epoch ms, the stream too. */
export interface WireSample {
  tag: string;
  ts: number;
  value: SampleValue;
  quality: 'good' | 'uncertain' | 'bad';
  qualityCode: number;
}

export interface WireEvent {
  id: string;
  kind: string;
  /** ISO time. */
  ts: string;
  assetPath: string;
  severity: 'info' | 'low' | 'medium' | 'high' | 'critical';
  tag?: string;
  message: string;
  payload: Record<string, unknown>;
}

export interface ComponentHealth {
  state: 'starting' | 'up' | 'degraded' | 'down' | 'stopped';
  since: number;
  message?: string;
  restarts?: number;
  details?: Record<string, unknown>;
}

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  components: Record<string, ComponentHealth>;
  version?: string;
  siteId?: string;
}

export interface SystemAnswer {
  node: { siteId: string; nodeName: string | null; version: string; startedAt: number; uptimeMs: number; now: number };
  config: { digest: string | null; version?: string };
  health: HealthReport;
  ingest: { received: number | null; stored: number | null; dropped: number | null; droppedByReason?: Record<string, number>; queued: number | null; perSecond: number | null };
  store: Record<string, number> | null;
  stream: { clients: number | null };
}

export interface QueryAnswer {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  truncated: boolean;
  elapsedMs: number;
  /** Site queries only: which nodes answered, and those that did not (the result is then partial). */
  scope?: 'site';
  partial?: boolean;
  missing?: { node: string; reason?: string }[];
  nodes?: { node: string; state: 'answered' | 'missing' | 'skipped'; rows?: number }[];
}

/** GET /api/v1/fabric/peers: this node and the other edge nodes of the site. */
export interface FabricPeers {
  node: string;
  peers: { url: string; node: string | null; state: string; lastSeen: string | null }[];
}

export interface SimFault {
  id: string;
  address: string;
  kind: string;
  start: number;
  end: number | null;
  [k: string]: unknown;
}

// SPC (CONTRACTS)
export interface SpecLimits {
  lsl?: number;
  usl?: number;
  target?: number;
}

export interface SpcCharacteristic {
  id: string;
  name: string;
  tag: string;
  assetPath: string;
  unit: string;
  chart: string;
  subgroupSize: number;
  spec: SpecLimits;
  status: 'in-control' | 'out-of-control' | 'baseline' | 'insufficient-data';
  lastViolation?: { ts: number; rule: string; message: string };
}

export interface SpcZones {
  aLow: number;
  bLow: number;
  cLow: number;
  cHigh: number;
  bHigh: number;
  aHigh: number;
}

export interface SpcPoint {
  ts: number;
  value: number;
  ucl?: number;
  lcl?: number;
  n?: number;
  violations: string[];
}

export interface SpcChartPanel {
  name: string;
  center: number;
  ucl: number;
  lcl: number;
  zones?: SpcZones;
  points: SpcPoint[];
}

export interface SpcViolation {
  rule: string;
  name: string;
  chart: string;
  ts: number;
  points: number[];
  message: string;
}

export interface SpcChartAnswer {
  id: string;
  chart: string;
  unit: string;
  charts: SpcChartPanel[];
  violations: SpcViolation[];
}

export interface SpcCapability {
  n: number;
  mean: number;
  sigmaWithin: number | null;
  sigmaOverall: number | null;
  cp: number | null;
  cpk: number | null;
  pp: number | null;
  ppk: number | null;
  cpm: number | null;
  cpkCi?: { lower: number; upper: number; level: number } | null;
  normality?: { test: string; a2: number; p: number; normal: boolean } | null;
  spec: SpecLimits;
  histogram: { bins: { from: number; to: number; count: number }[] };
  notes: string[];
}

// Alarms (CONTRACTS)
export interface Alarm {
  id: string;
  tag: string;
  assetPath: string;
  type: string;
  priority: 'low' | 'medium' | 'high' | 'critical';
  active: boolean;
  acknowledged: boolean;
  shelvedUntil?: number;
  suppressed: boolean;
  since: number;
  value: SampleValue;
  limit?: number;
  message: string;
}

// Sync (CONTRACTS)
export interface SyncStatus {
  enabled: boolean;
  hub?: string;
  backlog: { items: number; bytes: number; oldestTs?: number };
  lastSuccess?: number;
  drops: Record<string, number>;
  bytesPerSecond: number;
  coverHours?: number;
  state: 'connected' | 'backing-off' | 'disabled';
}

/** A server certificate of an OPC UA device: refused until an engineer trusts it (GET /api/v1/opcua/certificates). */
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

export interface OpcuaCertificateList {
  rejected: OpcuaServerCertificate[];
  trusted: OpcuaServerCertificate[];
}

/** POST /api/v1/tags/:id/write: what was written and what the device read back. */
export interface TagWriteAnswer {
  tag: string;
  written: number | boolean | string;
  readBack: { value: number | boolean | string; ts: string; quality: 'good' | 'uncertain' | 'bad'; qualityCode: number };
}
