import { z } from 'zod';
import { idempotencyKey, ITEM_SCHEMAS, type BatchAck, type EventItem, type HealthItem, type RawItem, type RollupItem, type Stream, type SyncBatch } from '../sync/index.js';
import { HubError, HubErrorCode } from './errors.js';
import type { HubDatabase, HubSql } from './hub-database.js';

/** The idempotency key of a batch: the same items of the same outbox always get the same key. */
export const batchKey = idempotencyKey;

/**
 * Stores one batch from a site exactly once, and answers only after the commit.
 * Per (site, stream, epoch) the hub keeps the highest contiguous sequence; the
 * row lock on it orders concurrent hubs, items at or below it are duplicates,
 * and a batch that starts beyond it is refused as a gap unless the site says
 * it dropped what is missing. The primary key (site, epoch, seq) of every data
 * table and the batch key's unique constraint hold even if the logic had a bug.
 */
export async function ingestBatch(db: HubDatabase, siteId: string, batch: SyncBatch, bytes: number, key = batchKey(batch)): Promise<BatchAck> {
  if (batch.siteId !== siteId) throw new HubError(HubErrorCode.Forbidden, `this credential belongs to site "${siteId}", the batch says "${batch.siteId}"`);
  const rows = parseItems(batch);
  return db.transaction(async (tx) => {
    await tx.query('INSERT INTO sync_streams (site_id, stream, epoch) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [siteId, batch.stream, batch.epoch]);
    const stream = (await tx.query<{ high_seq: string | number; dropped_through: string | number }>('SELECT high_seq, dropped_through FROM sync_streams WHERE site_id = $1 AND stream = $2 AND epoch = $3 FOR UPDATE', [siteId, batch.stream, batch.epoch])).rows[0]!;
    const high = Number(stream.high_seq);
    const ack = (ackedThrough: number, inserted: number, duplicate: boolean): BatchAck => ({ stream: batch.stream, epoch: batch.epoch, ackedThrough, inserted, duplicate });
    if (batch.lastSeq <= high) return ack(high, 0, true);
    let start = high + 1;
    let droppedItems = 0;
    if (batch.firstSeq > start) {
      if (batch.droppedThrough < batch.firstSeq - 1) {
        throw new HubError(HubErrorCode.SequenceGap, `site "${siteId}" ${batch.stream} epoch ${batch.epoch}: the hub holds up to ${high}, the batch starts at ${batch.firstSeq}; send from ${high + 1}`, { details: { expected: high + 1 } });
      }
      droppedItems = batch.firstSeq - start;
      start = batch.firstSeq;
    }
    const fresh = rows.filter((r) => r.seq >= start);
    const inserted = await insertItems(tx, siteId, batch, fresh);
    const claimed = await tx.query(
      `INSERT INTO sync_batches (site_id, idempotency_key, stream, epoch, first_seq, last_seq, items, inserted, bytes, backfill)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING RETURNING 1`,
      [siteId, key, batch.stream, batch.epoch, batch.firstSeq, batch.lastSeq, batch.items.length, inserted, bytes, batch.backfill],
    );
    if (claimed.rows.length === 0) throw new HubError(HubErrorCode.BadRequest, `batch ${key} was already stored with other sequence numbers`);
    await tx.query(
      `UPDATE sync_streams SET high_seq = $4, dropped_through = GREATEST(dropped_through, $5), dropped_items = dropped_items + $6, updated_at = now()
       WHERE site_id = $1 AND stream = $2 AND epoch = $3`,
      [siteId, batch.stream, batch.epoch, batch.lastSeq, batch.droppedThrough, droppedItems],
    );
    return ack(batch.lastSeq, inserted, false);
  });
}

type Row = { seq: number; data: unknown };

function parseItems(batch: SyncBatch): Row[] {
  const schema = ITEM_SCHEMAS[batch.stream] as z.ZodType;
  return batch.items.map((it, i) => {
    const parsed = schema.safeParse(it.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new HubError(HubErrorCode.BadRequest, `items[${i}].data (${batch.stream}) ${issue.path.join('.') || '(item)'}: ${issue.message}`);
    }
    return { seq: it.seq, data: parsed.data };
  });
}

const col = <T>(rows: Row[], f: (d: T) => unknown): unknown[] => rows.map((r) => f(r.data as T));

/** One INSERT per batch: columns as arrays, `unnest`ed by the server. */
async function insertItems(tx: HubSql, siteId: string, batch: SyncBatch, rows: Row[]): Promise<number> {
  if (rows.length === 0) return 0;
  const head = [siteId, batch.epoch, batch.backfill, rows.map((r) => r.seq)];
  // Counted on the server: returning one row per inserted item would ship thousands of rows back for nothing.
  const run = async (sql: string, cols: unknown[][]): Promise<number> =>
    Number((await tx.query<{ n: number | string }>(`WITH inserted AS (${sql} ON CONFLICT DO NOTHING RETURNING 1) SELECT count(*) AS n FROM inserted`, [...head, ...cols])).rows[0]?.n ?? 0);
  const stream: Stream = batch.stream;
  switch (stream) {
    case 'rollup':
      return run(
        `INSERT INTO site_rollups (site_id, epoch, backfill, seq, tag, bucket, asset_path, unit, count, min, max, avg, first, last, good)
         SELECT $1, $2, $3, u.seq, u.tag, to_timestamp(u.bucket / 1000.0), u.asset_path, u.unit, u.count, u.min, u.max, u.avg, u.first, u.last, u.good
         FROM unnest($4::bigint[], $5::text[], $6::float8[], $7::text[], $8::text[], $9::int[], $10::float8[], $11::float8[], $12::float8[], $13::float8[], $14::float8[], $15::int[])
           AS u(seq, tag, bucket, asset_path, unit, count, min, max, avg, first, last, good)`,
        [
          col<RollupItem>(rows, (d) => d.tag), col<RollupItem>(rows, (d) => d.bucket), col<RollupItem>(rows, (d) => d.assetPath), col<RollupItem>(rows, (d) => d.unit),
          col<RollupItem>(rows, (d) => d.count), col<RollupItem>(rows, (d) => d.min), col<RollupItem>(rows, (d) => d.max), col<RollupItem>(rows, (d) => d.avg),
          col<RollupItem>(rows, (d) => d.first), col<RollupItem>(rows, (d) => d.last), col<RollupItem>(rows, (d) => d.good),
        ],
      );
    case 'event':
      return run(
        `INSERT INTO site_events (site_id, epoch, backfill, seq, event_id, kind, ts, asset_path, severity, tag, message, payload)
         SELECT $1, $2, $3, u.seq, u.event_id, u.kind, to_timestamp(u.ts / 1000.0), u.asset_path, u.severity, u.tag, u.message, u.payload::jsonb
         FROM unnest($4::bigint[], $5::text[], $6::text[], $7::float8[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])
           AS u(seq, event_id, kind, ts, asset_path, severity, tag, message, payload)`,
        [
          col<EventItem>(rows, (d) => d.id), col<EventItem>(rows, (d) => d.kind), col<EventItem>(rows, (d) => d.ts), col<EventItem>(rows, (d) => d.assetPath),
          col<EventItem>(rows, (d) => d.severity), col<EventItem>(rows, (d) => d.tag ?? null), col<EventItem>(rows, (d) => d.message), col<EventItem>(rows, (d) => JSON.stringify(d.payload)),
        ],
      );
    case 'health':
      return run(
        `INSERT INTO site_health (site_id, epoch, backfill, seq, ts, status, components, lines)
         SELECT $1, $2, $3, u.seq, to_timestamp(u.ts / 1000.0), u.status, u.components::jsonb, u.lines::jsonb
         FROM unnest($4::bigint[], $5::float8[], $6::text[], $7::text[], $8::text[]) AS u(seq, ts, status, components, lines)`,
        [col<HealthItem>(rows, (d) => d.ts), col<HealthItem>(rows, (d) => d.status), col<HealthItem>(rows, (d) => JSON.stringify(d.components)), col<HealthItem>(rows, (d) => JSON.stringify(d.lines))],
      );
    case 'raw':
      return run(
        `INSERT INTO site_raw (site_id, epoch, backfill, seq, tag, ts, value, value_text, quality)
         SELECT $1, $2, $3, u.seq, u.tag, to_timestamp(u.ts / 1000.0), u.value, u.value_text, u.quality
         FROM unnest($4::bigint[], $5::text[], $6::float8[], $7::float8[], $8::text[], $9::int[]) AS u(seq, tag, ts, value, value_text, quality)`,
        [
          col<RawItem>(rows, (d) => d.tag), col<RawItem>(rows, (d) => d.ts),
          col<RawItem>(rows, (d) => (typeof d.value === 'number' ? d.value : typeof d.value === 'boolean' ? Number(d.value) : null)),
          col<RawItem>(rows, (d) => (typeof d.value === 'string' ? d.value : null)), col<RawItem>(rows, (d) => d.quality),
        ],
      );
  }
}
