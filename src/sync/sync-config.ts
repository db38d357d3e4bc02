import { z } from 'zod';
import { duration } from '../config/primitives.js';

const UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/** "512MB", "4MiB", "100kB" or a number of bytes → bytes. */
const byteSize = z
  .union([z.number().int().nonnegative(), z.string()])
  .transform((v, ctx) => {
    if (typeof v === 'number') return v;
    const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|kib|mib|gib)$/i.exec(v.trim());
    if (!m) {
      ctx.addIssue({ code: 'custom', message: `expected a size like "512MB", "4MiB" or a number of bytes, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return Math.round(Number(m[1]) * UNITS[m[2]!.toLowerCase()]!);
  });

/**
 * What leaves the site and how. Summary-based by default: 1-minute rollups of
 * every tag, every event and health snapshots; raw samples only for the tags
 * named under `send.raw`. Without `hub` the site syncs nothing.
 */
export const syncConfigSchema = z
  .object({
    hub: z.url({ protocol: /^https?$/ }).optional().describe('The hub\'s base URL, e.g. https://hub.example.com:8090. Without it nothing leaves the site.'),
    credentialsFile: z.string().default('secrets/hub-credential.json').describe('Where the site keeps its hub credential (relative to the data dir); written by "fabrik hub enrol".'),
    enrolmentTokenFile: z.string().optional().describe('A one-time enrolment token: when the credentials file is missing, the node enrols itself with it on first contact.'),
    caFile: z.string().optional().describe('CA certificate (PEM) to check the hub\'s HTTPS certificate against; default: the site CA, else the system roots.'),
    send: z
      .object({
        events: z.array(z.string().min(1)).default(['*']).describe('Event kinds (globs: "spc.*") that leave the site.'),
        rollups: z.array(z.string().min(1)).default(['*']).describe('Tags (globs) whose 1-minute rollups leave the site.'),
        raw: z.array(z.string().min(1)).default([]).describe('Tags (globs) whose raw samples leave the site; none by default.'),
        health: z.boolean().default(true).describe('Health snapshots with the line KPIs.'),
      })
      .strict()
      .prefault({}),
    outbox: z
      .object({
        maxBytes: byteSize.default(1024 ** 3).describe('Disk cap of the outbox; beyond it the drop policy applies.'),
        segmentBytes: byteSize.default(4 * 1024 ** 2),
        ttl: z
          .object({ rollup: duration.optional(), raw: duration.optional(), health: duration.optional(), event: duration.optional() })
          .strict()
          .prefault({ raw: '1d', health: '7d' })
          .describe('Items older than this are dropped (and counted); events only with dropEvents.'),
        dropEvents: z.boolean().default(false).describe('Allow dropping events under the cap or TTL. Off: events are never dropped.'),
      })
      .strict()
      .prefault({}),
    uplink: z
      .object({
        batchItems: z.number().int().positive().max(100_000).default(5000),
        batchBytes: byteSize.default(4 * 1024 ** 2).describe('About this many outbox bytes per batch (before compression).'),
        bandwidth: byteSize.default(0).describe('Cap on bytes per second sent to the hub; 0 = no cap.'),
        retryMin: duration.prefault('1s').describe('First retry delay after a failure; doubles up to retryMax, with jitter.'),
        retryMax: duration.prefault('5m'),
        contactEvery: duration.prefault('30s').describe('How often the site reports its status and asks for its desired config.'),
        timeout: duration.prefault('30s'),
        gzipLevel: z.number().int().min(1).max(9).default(1).describe('1 is cheapest on the CPU; up to 9 saves bytes on a thin link.'),
        backfillAfter: duration.prefault('2m').describe('Items that waited longer than this are flagged as backfill on the hub.'),
      })
      .strict()
      .prefault({}),
    collectEvery: duration.prefault('10s').describe('How often closed rollup minutes are taken from the store.'),
    rollupDelay: duration.prefault('1m').describe('A minute is taken this long after it ends (late samples still count).'),
    healthEvery: duration.prefault('1m'),
    initialBackfill: duration.prefault('1h').describe('A new outbox starts with the rollups of this much history.'),
  })
  .strict();

export type SyncConfig = z.output<typeof syncConfigSchema>;
