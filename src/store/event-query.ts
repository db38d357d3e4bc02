import type { DuckDBInstance } from '@duckdb/node-api';
import type { FabrikEvent, Severity } from '../core/index.js';
import { sqlString } from './schema.js';

/** Filter for `EdgeStore.events`; results are newest first. */
export interface EventFilter {
  from?: number;
  to?: number;
  kind?: string;
  /** Matches the asset and everything below it. */
  assetPath?: string;
  tag?: string;
  limit?: number;
}

/** Reads events matching `filter`, newest first, on a connection of its own. */
export async function queryEvents(instance: DuckDBInstance, filter: EventFilter): Promise<FabrikEvent[]> {
  const where: string[] = [];
  if (filter.from !== undefined) where.push(`ts >= epoch_ms(${Math.floor(filter.from)}::BIGINT)`);
  if (filter.to !== undefined) where.push(`ts < epoch_ms(${Math.ceil(filter.to)}::BIGINT)`);
  if (filter.kind !== undefined) where.push(`kind = ${sqlString(filter.kind)}`);
  if (filter.tag !== undefined) where.push(`tag = ${sqlString(filter.tag)}`);
  if (filter.assetPath !== undefined) {
    const p = filter.assetPath.replace(/\/+$/, '');
    where.push(`(asset_path = ${sqlString(p)} OR starts_with(asset_path, ${sqlString(`${p}/`)}))`);
  }
  const limit = Math.max(1, Math.min(Math.floor(filter.limit ?? 1000), 100_000));
  const conn = await instance.connect();
  try {
    const r = await conn.runAndReadAll(`SELECT id, epoch_us(ts), kind, asset_path, severity, tag, message, payload::VARCHAR
      FROM event_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ts DESC, id LIMIT ${limit}`);
    return r.getRows().map(([id, ts, kind, assetPath, severity, tag, message, payload]) => {
      const e: FabrikEvent = { id: String(id), ts: Number(ts) / 1000, kind: String(kind), assetPath: String(assetPath), severity: String(severity) as Severity, message: String(message), payload: JSON.parse(String(payload)) as Record<string, unknown> };
      if (tag !== null) e.tag = String(tag);
      return e;
    });
  } finally {
    conn.closeSync();
  }
}
