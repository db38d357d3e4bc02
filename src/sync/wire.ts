import { z } from 'zod';

/**
 * What leaves the site, by class. The order is the uplink's priority: events
 * first, then health snapshots, then rollups, raw samples last.
 */
export const STREAMS = ['event', 'health', 'rollup', 'raw'] as const;
export type Stream = (typeof STREAMS)[number];

const finite = z.number().finite();
const nullableNumber = finite.nullable();

/** One 1-minute rollup of one tag. */
export const rollupItem = z
  .object({
    tag: z.string().min(1).max(128),
    bucket: z.number().int(),
    assetPath: z.string().max(512).nullable().default(null),
    unit: z.string().max(64).nullable().default(null),
    count: z.number().int().nonnegative(),
    min: nullableNumber,
    max: nullableNumber,
    avg: nullableNumber,
    first: nullableNumber,
    last: nullableNumber,
    good: z.number().int().nonnegative(),
  })
  .strict();
export type RollupItem = z.output<typeof rollupItem>;

/** An event as the site stored it. */
export const eventItem = z
  .object({
    id: z.string().min(1).max(128),
    kind: z.string().min(1).max(128),
    ts: z.number().int(),
    assetPath: z.string().max(512),
    severity: z.string().max(16),
    tag: z.string().max(128).optional(),
    message: z.string().max(4096),
    payload: z.record(z.string(), z.unknown()),
  })
  .strict();
export type EventItem = z.output<typeof eventItem>;

/** One line's KPIs over the period a health snapshot covers. */
export const lineKpiItem = z
  .object({ asset: z.string().max(512), from: z.number(), to: z.number(), oee: nullableNumber, total: finite, scrap: finite })
  .strict();

/** The node's health at a moment, plus the line KPIs since the previous snapshot. */
export const healthItem = z
  .object({
    ts: z.number().int(),
    status: z.enum(['ok', 'degraded', 'down']),
    components: z.record(z.string(), z.object({ state: z.string(), message: z.string().optional() }).loose()),
    lines: z.array(lineKpiItem).default([]),
  })
  .strict();
export type HealthItem = z.output<typeof healthItem>;

/** One raw sample of a tag the sync policy releases. */
export const rawItem = z
  .object({ tag: z.string().min(1).max(128), ts: z.number().int(), value: z.union([finite, z.string().max(4096), z.boolean()]).nullable(), quality: z.number().int().min(0).max(255) })
  .strict();
export type RawItem = z.output<typeof rawItem>;

export const ITEM_SCHEMAS = { event: eventItem, health: healthItem, rollup: rollupItem, raw: rawItem } as const;

/** A batch on the wire: contiguous sequence numbers of one stream of one outbox epoch. */
export const syncBatch = z
  .object({
    siteId: z.string().min(1).max(64),
    /** Identifies the site's outbox; a new outbox (wiped disk) starts a new epoch at sequence 1. */
    epoch: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
    stream: z.enum(STREAMS),
    firstSeq: z.number().int().positive(),
    lastSeq: z.number().int().positive(),
    /** Everything at or below this sequence was dropped on the site (cap or TTL) and will never come. */
    droppedThrough: z.number().int().nonnegative().default(0),
    /** Sent after an outage: the items waited on the site longer than the uplink's normal delay. */
    backfill: z.boolean().default(false),
    sentAt: z.number().int(),
    items: z.array(z.object({ seq: z.number().int().positive(), at: z.number().int(), data: z.unknown() }).strict()).min(1),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.lastSeq - b.firstSeq + 1 !== b.items.length) ctx.addIssue({ code: 'custom', message: 'items must hold every sequence from firstSeq to lastSeq', path: ['items'] });
    b.items.forEach((it, i) => {
      if (it.seq !== b.firstSeq + i) ctx.addIssue({ code: 'custom', message: `item ${i} has sequence ${it.seq}, expected ${b.firstSeq + i}`, path: ['items', i, 'seq'] });
    });
  });
export type SyncBatch = z.output<typeof syncBatch>;

/** The hub's answer to a batch, sent only after its commit. */
export interface BatchAck {
  stream: Stream;
  epoch: string;
  /** Highest contiguous sequence the hub holds for (site, stream, epoch): the site may delete everything at or below it. */
  ackedThrough: number;
  inserted: number;
  duplicate: boolean;
}

/** What a site tells the hub on each contact. */
export const siteContact = z
  .object({
    siteId: z.string().min(1).max(64),
    /** The reporting node's outbox epoch: a site with several edge nodes reports once per node. */
    epoch: z.string().max(64).nullable().default(null),
    backlog: z.record(z.string(), z.object({ items: z.number().int().nonnegative(), bytes: z.number().nonnegative(), oldestAt: z.number().nullable() })),
    appliedConfig: z.object({ version: z.number().int().nullable(), sha256: z.string().nullable() }).strict(),
    /** What happened to the last desired config the hub sent, when it was not applied. */
    configError: z.object({ version: z.number().int(), message: z.string().max(2000) }).strict().nullable().default(null),
    /** Models on the site: the active version (null when none runs), the shadow, and every stored version's SHA-256. */
    models: z.array(z.object({ name: z.string(), version: z.string().nullable(), shadow: z.string().nullable().optional(), sha256s: z.array(z.string()).max(1000).optional() }).loose()).max(1000).default([]),
    /** Models from the hub the site refused (checksum, load, kind), until a newer one is distributed. */
    modelErrors: z.array(z.object({ name: z.string().max(64), sha256: z.string().max(64), message: z.string().max(2000) }).strict()).max(1000).default([]),
    health: z.object({ status: z.string(), components: z.record(z.string(), z.unknown()) }).loose().nullable().default(null),
    drops: z.record(z.string(), z.number()).default({}),
    reduction: z.object({ rawBytes: z.number(), sentBytes: z.number() }).strict().nullable().default(null),
  })
  .strict();
export type SiteContact = z.output<typeof siteContact>;
/** A contact as the site builds it (fields with defaults may be left out). */
export type SiteContactInput = z.input<typeof siteContact>;

/** The hub's answer to a contact: the desired config when it differs from what the site applied. */
export interface ContactReply {
  desiredConfig: { version: number; text: string; signed: boolean } | null;
  /** Model versions the hub distributed to the site that it has not reported yet (absent from older hubs). */
  desiredModels?: DesiredModel[];
  serverTime: number;
}

/** A model version the hub wants on the site; the site fetches the bytes from /api/v1/sync/models/:name/:version. */
export interface DesiredModel {
  name: string;
  /** The hub's version number (the site files it under its own next "vN"). */
  version: number;
  sha256: string;
  /** How it starts on the site: in shadow (scores recorded, no events) or active. */
  mode: 'shadow' | 'active';
  bytes: number;
  /** The hub's signed statement of name, version and SHA-256, when the hub has a signing key. */
  signature?: string;
}

/** An enrolment: a one-time token for a site's own credential. */
export const enrolRequest = z
  .object({ token: z.string().min(16).max(256), siteId: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/), name: z.string().max(200).optional() })
  .strict();

export interface EnrolReply {
  siteId: string;
  credential: string;
}
