import { z } from 'zod';
import { assetPath, duration, slug, tagId } from './primitives.js';
import { modbusDeviceSchema } from './protocols/modbus.js';
import { mqttDeviceSchema } from './protocols/mqtt.js';
import { opcuaDeviceSchema } from './protocols/opcua.js';
import { simDeviceSchema } from './protocols/sim.js';
import { tagBindingSchema } from './tag-binding.js';
import { fabricConfigSchema } from '../fabric/fabric-config.js';
// The schema file itself, not kpi/index.ts: the KPI computation imports the pipeline, which imports this file.
import { kpiConfigIssues, kpiSchema } from '../kpi/kpi-schema.js';
// The schema file itself, not inference/index.ts: the index brings the ONNX and image runtime, which loading a config must not pay for.
import { inferenceConfigSchema } from '../inference/inference-config.js';
import { securitySchema } from '../security/security-schema.js';
// Schema files only, not the capabilities' index.ts: loading a config must not load the live evaluation.
import { spcConfigIssues, spcConfigSchema } from '../spc/spc-config.js';
import { alarmsConfigIssues, alarmsConfigSchema } from '../alarms/alarm-config.js';
import { notifyConfigSchema } from '../notify/notify-config.js';
// The schema file itself, not broker/index.ts: loading a config must not load mqtt.js and aedes.
import { mqttSiteSchema } from '../broker/broker-config.js';
// The schema file itself, not sync/index.ts: loading a config must not open outboxes or HTTP clients.
import { syncConfigSchema } from '../sync/sync-config.js';

export * from './primitives.js';
export * from './tag-binding.js';

export const ASSET_KINDS = ['enterprise', 'site', 'area', 'line', 'cell', 'machine', 'device', 'utility'] as const;

export const assetSchema = z
  .object({
    path: assetPath,
    name: z.string().min(1).optional().describe('Display name; defaults to the last path segment.'),
    kind: z.enum(ASSET_KINDS).default('machine'),
    description: z.string().default(''),
    /** Which tag says whether the machine runs, and how its values read. */
    stateTag: tagId.optional().describe('Tag whose value is the machine state (see stateMap).'),
    stateMap: z
      .record(z.string(), z.enum(['running', 'idle', 'faulted', 'off']))
      .optional()
      .describe('Maps state tag values (as strings, e.g. "1") to running/idle/faulted/off.'),
  })
  .strict();

/**
 * A device is one connection (a PLC, an OPC UA server, an MQTT broker). The
 * `protocol` field picks the adapter and with it the shape of `options` and
 * of each tag binding; each protocol's schema lives in `protocols/<name>.ts`.
 */
export const deviceSchema = z.discriminatedUnion('protocol', [simDeviceSchema, opcuaDeviceSchema, modbusDeviceSchema, mqttDeviceSchema]);

export const DEVICE_PROTOCOLS = ['sim', 'opcua', 'modbus', 'mqtt'] as const;

export const processorSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('scale') }).strict(),
  z.object({ type: z.literal('range') }).strict(),
  z.object({ type: z.literal('rate-of-change') }).strict(),
  z.object({ type: z.literal('deadband') }).strict(),
  z.object({ type: z.literal('swinging-door') }).strict(),
  z
    .object({
      type: z.literal('window'),
      tags: z.array(z.string().min(1)).min(1).describe('Tag ids or globs ("line1.*.vibration").'),
      window: duration,
      functions: z.array(z.enum(['min', 'max', 'avg', 'count', 'first', 'last'])).min(1).default(['avg', 'min', 'max']),
      keepRaw: z.boolean().default(false).describe('Also pass the raw samples on.'),
    })
    .strict(),
]);

export const DEFAULT_PROCESSORS = [
  { type: 'scale' },
  { type: 'range' },
  { type: 'rate-of-change' },
  { type: 'deadband' },
  { type: 'swinging-door' },
] as const;

export const pipelineSchema = z
  .object({
    processors: z.array(processorSchema).default([...DEFAULT_PROCESSORS]),
    maxQueuedSamples: z.number().int().positive().default(2_000_000).describe('Bound on samples waiting for the store; beyond it the oldest are dropped and counted.'),
    lateData: z
      .object({
        maxLateness: duration.prefault('5m').describe('Samples older than this behind the tag’s newest are late.'),
        action: z.enum(['accept', 'flag', 'drop']).default('accept').describe('accept: store as is; flag: quality Uncertain; drop: discard and count.'),
      })
      .strict()
      .default({ maxLateness: 300_000, action: 'accept' }),
    futureTolerance: duration.prefault('5m').describe('Timestamps further than this ahead of the node clock are rejected.'),
  })
  .strict();

export const retentionClassSchema = z
  .object({
    raw: duration.describe('How long raw samples stay in the live store before moving to Parquet.'),
    archive: duration.optional().describe('How long Parquet archives are kept; forever when unset.'),
  })
  .strict();

export const retentionSchema = z
  .object({
    defaultClass: slug.default('standard'),
    classes: z.record(slug, retentionClassSchema).default({ standard: { raw: 30 * 86_400_000 } }),
    checkEvery: duration.prefault('1h'),
  })
  .strict()
  .refine((r) => r.defaultClass in r.classes, { message: 'defaultClass must name one of the classes', path: ['defaultClass'] });

export const storeSchema = z
  .object({
    commitInterval: duration.prefault('200ms').describe('Group-commit interval: a write is acknowledged after the commit that holds it.'),
    memoryLimit: z.string().regex(/^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$/i).default('256MB'),
    compactEvery: duration.prefault('2m').describe('How often recent samples are re-ordered by tag and time for compression.'),
  })
  .strict();

export const apiSchema = z
  .object({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
    maxBodyBytes: z.number().int().positive().default(1_048_576),
    queryTimeout: duration.prefault('30s'),
    queryMaxRows: z.number().int().positive().default(100_000),
  })
  .strict();

export const ROLES = ['viewer', 'operator', 'engineer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const shiftSchema = z
  .object({
    name: z.string().min(1),
    start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM'),
    end: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM'),
  })
  .strict();

export const siteConfigSchema = z
  .object({
    site: z
      .object({
        id: slug,
        name: z.string().min(1),
        enterprise: slug,
        timezone: z.string().default('UTC'),
      })
      .strict(),
    assets: z.array(assetSchema).default([]),
    devices: z.array(deviceSchema).default([]),
    pipeline: pipelineSchema.default(() => pipelineSchema.parse({})),
    retention: retentionSchema.default(() => retentionSchema.parse({})),
    store: storeSchema.default(() => storeSchema.parse({})),
    api: apiSchema.default(() => apiSchema.parse({})),
    shifts: z.array(shiftSchema).default([]),
    fabric: fabricConfigSchema.default(() => fabricConfigSchema.parse({})).describe('Data fabric: site peers, PostgreSQL wire endpoint, EdgeLake REST, virtual sources.'),
    kpi: kpiSchema.default({ lines: [] }).describe('Line KPIs (throughput, scrap, OEE): which state tag and counters each line has.'),
    inference: inferenceConfigSchema.default(() => inferenceConfigSchema.parse({})).describe('AI at the edge: anomaly detectors, ONNX models, inspection cameras.'),
    security: securitySchema.prefault({}),
    spc: spcConfigSchema.prefault({}).describe('Statistical process control: characteristics charted live on every sample.'),
    alarms: alarmsConfigSchema.prefault({}).describe('ISA-18.2 alarms: HIHI/HI/LO/LOLO, deviation, rate of change and discrete alarms per tag.'),
    notify: notifyConfigSchema.prefault({}).describe('Webhooks that receive events (SPC violations, alarms) as JSON.'),
    mqtt: mqttSiteSchema.default({}).describe('The embedded MQTT broker and publishing to the unified namespace (UNS).'),
    sync: syncConfigSchema.prefault({}).describe('Cloud hub sync: hub URL, credentials, what leaves the site (events, rollups, raw tags), outbox cap and TTLs, uplink limits.'),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Map<string, string>();
    const deviceIds = new Set<string>();
    const assets = new Set(cfg.assets.map((a) => a.path));
    cfg.devices.forEach((d, di) => {
      if (deviceIds.has(d.id)) ctx.addIssue({ code: 'custom', message: `duplicate device id "${d.id}"`, path: ['devices', di, 'id'] });
      deviceIds.add(d.id);
      d.tags.forEach((t, ti) => {
        const where = seen.get(t.id);
        if (where) ctx.addIssue({ code: 'custom', message: `duplicate tag id "${t.id}" (also on device ${where})`, path: ['devices', di, 'tags', ti, 'id'] });
        seen.set(t.id, d.id);
        if (assets.size > 0 && !assets.has(t.asset)) {
          ctx.addIssue({ code: 'custom', message: `asset "${t.asset}" is not declared under assets`, path: ['devices', di, 'tags', ti, 'asset'] });
        }
        if (t.retention && !(t.retention in cfg.retention.classes)) {
          ctx.addIssue({ code: 'custom', message: `retention class "${t.retention}" is not declared under retention.classes`, path: ['devices', di, 'tags', ti, 'retention'] });
        }
        if (t.low !== undefined && t.high !== undefined && t.low >= t.high) {
          ctx.addIssue({ code: 'custom', message: 'low must be below high', path: ['devices', di, 'tags', ti, 'low'] });
        }
      });
    });
    cfg.assets.forEach((a, ai) => {
      if (a.stateTag && !seen.has(a.stateTag)) {
        ctx.addIssue({ code: 'custom', message: `stateTag "${a.stateTag}" is not a tag of any device`, path: ['assets', ai, 'stateTag'] });
      }
    });
    const stateMaps = new Map(cfg.assets.flatMap((a) => (a.stateTag && a.stateMap ? [[a.stateTag, a.stateMap] as const] : [])));
    for (const issue of kpiConfigIssues(cfg.kpi, { tags: new Set(seen.keys()), assets, stateMaps })) ctx.addIssue({ code: 'custom', ...issue });
    const cameraTags = cfg.inference.cameras.flatMap((c) => [`${c.id}.inspected`, `${c.id}.rejects`, `${c.id}.defect_score`]);
    for (const issue of spcConfigIssues(cfg.spc, new Set([...seen.keys(), ...cameraTags]))) ctx.addIssue({ code: 'custom', ...issue });
    for (const issue of alarmsConfigIssues(cfg.alarms, new Set([...seen.keys(), ...cameraTags]))) ctx.addIssue({ code: 'custom', ...issue });
  });

export type SiteConfig = z.output<typeof siteConfigSchema>;
export type SiteConfigInput = z.input<typeof siteConfigSchema>;
export type DeviceConfig = z.output<typeof deviceSchema>;
export type TagBinding = z.output<typeof tagBindingSchema>;
export type AssetConfig = z.output<typeof assetSchema>;
export type ProcessorConfig = z.output<typeof processorSchema>;
export type PipelineConfig = z.output<typeof pipelineSchema>;
export type RetentionConfig = z.output<typeof retentionSchema>;
export type StoreConfig = z.output<typeof storeSchema>;
export type ApiConfig = z.output<typeof apiSchema>;
