import { RowWindow } from '../../inference/index.js';
import type { TrainingTable } from '../training/index.js';
import { HubError, HubErrorCode } from '../errors.js';
import type { HubSql } from '../hub-database.js';

/** Which synced data a table came from. */
export type SyncedSource = 'raw' | 'rollup';

/** What to read: one site's tags over a time range. */
export interface SyncedTableRequest {
  siteId: string;
  tags: string[];
  from: number;
  to: number;
  /** "raw" needs every tag released raw by the site's sync policy; "auto" (default) takes raw when it is, else rollups. */
  source?: SyncedSource | 'auto';
  /** Row period for raw samples (default 1000 ms); rollups always give one row per minute. */
  windowMs?: number;
}

export interface SyncedTable {
  table: TrainingTable;
  source: SyncedSource;
  /** The row period, as the model manifest writes it ("1s", "1m"). */
  window: string;
  windowMs: number;
}

const MINUTE = 60_000;
/** Samples read for one training at most: enough for weeks of 1 s rows of a few tags, and a bound on the hub's memory. */
export const MAX_TRAINING_SAMPLES = 5_000_000;

/**
 * Rows of a site's synced data, one column per tag, as a tags model on the
 * site will see them: raw samples folded into windows (each tag's newest
 * value up to the window's end), or, when the site's sync policy keeps the
 * raw samples home, the 1-minute rollup averages.
 */
export async function readSyncedTable(db: HubSql, req: SyncedTableRequest): Promise<SyncedTable> {
  if (req.tags.length === 0) throw new HubError(HubErrorCode.BadRequest, 'name at least one tag to train on');
  if (!(req.from < req.to)) throw new HubError(HubErrorCode.BadRequest, `--from (${new Date(req.from).toISOString()}) must be before --to (${new Date(req.to).toISOString()})`);
  const site = await db.query('SELECT 1 FROM sites WHERE site_id = $1', [req.siteId]);
  if (site.rows.length === 0) throw new HubError(HubErrorCode.NotFound, `no site "${req.siteId}" is enrolled with this hub`);
  const range = [req.siteId, req.tags, new Date(req.from).toISOString(), new Date(req.to).toISOString()];
  const rawTags = new Set(
    (await db.query<{ tag: string }>('SELECT DISTINCT tag FROM site_raw WHERE site_id = $1 AND tag = ANY($2::text[]) AND ts >= $3 AND ts < $4', range)).rows.map((r) => r.tag),
  );
  const missingRaw = req.tags.filter((t) => !rawTags.has(t));
  const source = req.source ?? 'auto';
  if (source === 'raw' && missingRaw.length > 0) {
    throw new HubError(HubErrorCode.BadRequest, `no raw samples of ${missingRaw.join(', ')} reached the hub in that range; the site's sync policy must release them (sync.send.raw), or train on rollups`);
  }
  if (source === 'raw' || (source === 'auto' && missingRaw.length === 0)) {
    const windowMs = req.windowMs ?? 1000;
    const rows = (await db.query<{ tag: string; t: number; value: number }>(
      'SELECT tag, (extract(epoch from ts) * 1000)::float8 AS t, value FROM site_raw WHERE site_id = $1 AND tag = ANY($2::text[]) AND ts >= $3 AND ts < $4 AND value IS NOT NULL ORDER BY ts, seq LIMIT $5',
      [...range, MAX_TRAINING_SAMPLES + 1],
    )).rows;
    tooMany(rows.length);
    return { table: { columns: req.tags, rows: foldRaw(req.tags, rows, windowMs) }, source: 'raw', window: periodText(windowMs), windowMs };
  }
  const rows = (await db.query<{ tag: string; t: number; avg: number }>(
    'SELECT tag, (extract(epoch from bucket) * 1000)::float8 AS t, avg FROM site_rollups WHERE site_id = $1 AND tag = ANY($2::text[]) AND bucket >= $3 AND bucket < $4 AND avg IS NOT NULL ORDER BY bucket, seq LIMIT $5',
    [...range, MAX_TRAINING_SAMPLES + 1],
  )).rows;
  tooMany(rows.length);
  return { table: { columns: req.tags, rows: pivotRollups(req.tags, rows) }, source: 'rollup', window: '1m', windowMs: MINUTE };
}

function tooMany(n: number): void {
  if (n > MAX_TRAINING_SAMPLES) throw new HubError(HubErrorCode.BadRequest, `the range holds more than ${MAX_TRAINING_SAMPLES} samples; narrow --from/--to or train on rollups (--source rollup)`);
}

/** Raw samples in time order → one row per closed window once every tag has a value. */
function foldRaw(tags: string[], samples: { tag: string; t: number; value: number }[], windowMs: number): number[][] {
  const column = new Map(tags.map((t, j) => [t, j]));
  const window = new RowWindow(tags.length, windowMs, 1);
  const out: number[][] = [];
  const row = (): void => void out.push(Array.from(window.lastRow()));
  // Tags stored by exception send a heartbeat at least once a minute: a quiet minute holds its values, a longer gap is missing data.
  const gapRows = Math.max(1, Math.ceil(MINUTE / windowMs));
  for (const s of samples) {
    const v = Number(s.value);
    if (!Number.isFinite(v)) continue;
    window.closeUntil(Number(s.t), row, gapRows);
    window.add(column.get(s.tag)!, Number(s.t), v, row);
  }
  return out;
}

/** Minute averages → one row per minute that has every tag (a minute sent twice, by two outbox epochs, counts once). */
function pivotRollups(tags: string[], rollups: { tag: string; t: number; avg: number }[]): number[][] {
  const column = new Map(tags.map((t, j) => [t, j]));
  const minutes = new Map<number, number[]>();
  for (const r of rollups) {
    const t = Number(r.t);
    let row = minutes.get(t);
    if (!row) minutes.set(t, (row = new Array<number>(tags.length).fill(Number.NaN)));
    row[column.get(r.tag)!] = Number(r.avg);
  }
  return [...minutes.entries()].sort((a, b) => a[0] - b[0]).map(([, row]) => row).filter((row) => row.every(Number.isFinite));
}

function periodText(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % MINUTE === 0) return `${ms / MINUTE}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
