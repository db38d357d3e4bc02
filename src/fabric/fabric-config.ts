import { z } from 'zod';
import { duration, slug } from '../config/primitives.js';

const sourceName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, 'expected a lower-case SQL name: letters, digits and "_", starting with a letter')
  .refine((n) => !RESERVED_NAMES.has(n), { message: 'this name is taken by a built-in view (samples, rollups_1m, events, tags, latest)' });

/** Names user SQL already has; a virtual source cannot shadow them. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['samples', 'rollups_1m', 'events', 'tags', 'latest', 'merged', 'partials']);

const fileSource = z
  .object({
    name: sourceName,
    kind: z.literal('files'),
    folder: z.string().min(1).describe('Folder of the files: relative to <data-dir>/files, or absolute. Only registered folders are readable.'),
    format: z.enum(['parquet', 'csv', 'json']).default('parquet'),
    pattern: z.string().regex(/^[^/\\]*$|^\*\*\/[^/\\]*$/, 'expected a file name pattern such as "*.parquet" or "**/*.csv"').optional()
      .describe('Glob of the files inside the folder; default *.<format>.'),
    description: z.string().default(''),
  })
  .strict();

const postgresSource = z
  .object({
    name: sourceName,
    kind: z.literal('postgres'),
    url: z.string().regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL').optional().describe('Connection URL; the password may instead come from passwordFile.'),
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(1).max(65535).default(5432),
    database: z.string().default('postgres'),
    user: z.string().default('postgres'),
    passwordFile: z.string().optional().describe('File holding the password (relative to <data-dir>).'),
    schema: z.string().default('public'),
    table: z.string().min(1).describe('Table or view read through this source.'),
    maxRows: z.number().int().positive().default(1_000_000).describe('Refuse (never truncate) a read that still returns more rows after push-down.'),
    connectTimeout: duration.prefault('3s'),
    description: z.string().default(''),
  })
  .strict();

export const virtualSourceSchema = z.discriminatedUnion('kind', [fileSource, postgresSource]);

const peerEntry = z.union([
  z.string().url(),
  z.object({ url: z.string().url(), tokenFile: z.string().optional().describe('Token sent to this peer (else the site token).') }).strict(),
]);

const dnsPeers = z
  .object({
    dns: z.string().min(1).describe('Kubernetes headless-service name; every A record is a node.'),
    port: z.number().int().min(1).max(65535).default(8080),
    scheme: z.enum(['http', 'https']).default('http'),
    every: duration.prefault('30s').describe('How often the name is resolved again.'),
  })
  .strict();

/**
 * `fabric:` in the site config: this node's name in the site, how it finds
 * its peers, how nodes authenticate to each other, the PostgreSQL wire
 * endpoint and the virtual sources.
 */
export const fabricConfigSchema = z
  .object({
    node: slug.optional().describe('This node\'s name in the site (unique); default: the site id.'),
    peers: z.union([z.array(peerEntry), dnsPeers]).default([]).describe('Other nodes of the site: a list of base URLs (this node\'s own URL may be in it), or a DNS name.'),
    siteTokenFile: z.string().optional().describe('File with the shared site token nodes present to each other (relative to <data-dir>); env FABRIK_SITE_TOKEN wins.'),
    peerTimeout: duration.prefault('10s').describe('A node that has not answered a site query by then is reported missing.'),
    catalogueEvery: duration.prefault('30s').describe('How often peers\' catalogues are fetched again.'),
    pg: z
      .object({
        port: z.number().int().min(0).max(65535).optional().describe('PostgreSQL wire port; unset = off (--pg-port / FABRIK_PG_PORT).'),
        host: z.string().optional().describe('Address to listen on; default api.host.'),
      })
      .strict()
      .default({}),
    edgelake: z.boolean().default(true).describe('Answer EdgeLake-style REST (GET / with a "command" header).'),
    sources: z.array(virtualSourceSchema).default([]),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.sources.forEach((s, i) => {
      if (seen.has(s.name)) ctx.addIssue({ code: 'custom', message: `duplicate source name "${s.name}"`, path: ['sources', i, 'name'] });
      seen.add(s.name);
    });
  });

export type FabricConfig = z.output<typeof fabricConfigSchema>;
export type FabricConfigInput = z.input<typeof fabricConfigSchema>;
export type VirtualSourceConfig = z.output<typeof virtualSourceSchema>;
export type FileSourceConfig = Extract<VirtualSourceConfig, { kind: 'files' }>;
export type PostgresSourceConfig = Extract<VirtualSourceConfig, { kind: 'postgres' }>;
