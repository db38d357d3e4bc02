import { DuckDBTimestampValue, DOUBLE, INTEGER, TIMESTAMP, UINTEGER, UTINYINT, type DuckDBAppender } from '@duckdb/node-api';
import { Quality, type SampleBatch } from '../core/index.js';
import { CHUNK_ROWS, ChunkColumns, putMicros } from './chunk-columns.js';
import type { RollupAccumulator, RollupPartial } from './rollup-accumulator.js';
import { MINUTE } from './rollup-accumulator.js';

const INT32_MAX = 2_147_483_647;

/** Counters the appender reports back per commit. */
export interface AppendCounts {
  numeric: number;
  text: number;
  unknownTag: number;
  nonFinite: number;
  maxTs: number;
}

/**
 * Turns sample batches into `raw_hot` data chunks (k, ts, v, q, lag) and text
 * rows, folding each numeric sample into the rollup accumulator on the way.
 * A non-finite value without text is stored as NULL with bad quality.
 */
export class SampleAppender {
  readonly #cols = new ChunkColumns([INTEGER, TIMESTAMP, DOUBLE, UTINYINT, INTEGER]);
  readonly #k = new Int32Array(CHUNK_ROWS);
  readonly #ts = new Uint32Array(CHUNK_ROWS * 2);
  readonly #v = new Float64Array(CHUNK_ROWS);
  readonly #q = new Uint8Array(CHUNK_ROWS);
  readonly #lag = new Int32Array(CHUNK_ROWS);
  readonly #valid = new Uint8Array(CHUNK_ROWS);

  append(raw: DuckDBAppender, text: DuckDBAppender | null, batch: SampleBatch, keys: Int32Array, rollups: RollupAccumulator, counts: AppendCounts): void {
    let n = 0;
    for (let i = 0; i < batch.length; i++) {
      const index = batch.tag[i]!;
      const k = index < keys.length ? keys[index]! : -1;
      if (k < 0) {
        counts.unknownTag++;
        continue;
      }
      const ts = batch.ts[i]!;
      if (!Number.isFinite(ts)) {
        counts.nonFinite++;
        continue;
      }
      let q = batch.quality[i]!;
      const lag = lagOf(ts, batch.arrival[i]!);
      if (ts > counts.maxTs) counts.maxTs = ts;
      const txt = batch.text?.[i];
      if (txt != null) {
        if (!text) throw new Error('a text sample needs the raw_text appender');
        appendText(text, k, ts, txt, q, lag);
        counts.text++;
        continue;
      }
      const v = batch.value[i]!;
      let valid = 1;
      if (!Number.isFinite(v)) {
        valid = 0;
        if (q >= 64) q = Quality.Bad;
        counts.nonFinite++;
      } else {
        rollups.add(k, ts, v, q);
      }
      this.#k[n] = k;
      putMicros(this.#ts, n, Math.round(ts * 1000));
      this.#v[n] = valid ? v : 0;
      this.#q[n] = q;
      this.#lag[n] = lag;
      this.#valid[n] = valid;
      n++;
      counts.numeric++;
      if (n === CHUNK_ROWS) {
        this.#flush(raw, n);
        n = 0;
      }
    }
    if (n > 0) this.#flush(raw, n);
  }

  #flush(raw: DuckDBAppender, n: number): void {
    const c = this.#cols;
    c.begin(n);
    c.copy(0, this.#k, n, 4);
    c.copy(1, this.#ts, n, 8);
    c.copy(2, this.#v, n, 8);
    c.copy(3, this.#q, n, 1);
    c.copy(4, this.#lag, n, 4);
    // Always written: a reused chunk must not keep the previous chunk's NULLs.
    c.setValidity(2, this.#valid, n);
    raw.appendDataChunk(c.chunk);
  }
}

function lagOf(ts: number, arrival: number): number {
  const lag = Math.round(arrival - ts);
  if (!Number.isFinite(lag)) return 0;
  return lag > INT32_MAX ? INT32_MAX : lag < -INT32_MAX ? -INT32_MAX : lag;
}

function appendText(app: DuckDBAppender, k: number, ts: number, txt: string, q: number, lag: number): void {
  app.appendInteger(k);
  app.appendTimestamp(new DuckDBTimestampValue(BigInt(Math.round(ts * 1000))));
  app.appendVarchar(txt);
  app.appendUTinyInt(q);
  app.appendInteger(lag);
  app.endRow();
}

/** Writes closed rollup partials as data chunks into `rollup_hot`. */
export function appendRollups(app: DuckDBAppender, partials: readonly RollupPartial[]): void {
  const cols = new ChunkColumns([INTEGER, TIMESTAMP, UINTEGER, DOUBLE, DOUBLE, DOUBLE, DOUBLE, TIMESTAMP, DOUBLE, TIMESTAMP, UINTEGER]);
  const k = new Int32Array(CHUNK_ROWS);
  const bucket = new Uint32Array(CHUNK_ROWS * 2);
  const n = new Uint32Array(CHUNK_ROWS);
  const f64 = Array.from({ length: 5 }, () => new Float64Array(CHUNK_ROWS));
  const firstTs = new Uint32Array(CHUNK_ROWS * 2);
  const lastTs = new Uint32Array(CHUNK_ROWS * 2);
  const good = new Uint32Array(CHUNK_ROWS);
  for (let off = 0; off < partials.length; off += CHUNK_ROWS) {
    const rows = Math.min(CHUNK_ROWS, partials.length - off);
    for (let r = 0; r < rows; r++) {
      const p = partials[off + r]!;
      k[r] = p.k;
      putMicros(bucket, r, p.minute * MINUTE * 1000);
      n[r] = p.n;
      f64[0]![r] = p.min;
      f64[1]![r] = p.max;
      f64[2]![r] = p.sum;
      f64[3]![r] = p.first;
      f64[4]![r] = p.last;
      putMicros(firstTs, r, Math.round(p.firstTs * 1000));
      putMicros(lastTs, r, Math.round(p.lastTs * 1000));
      good[r] = p.good;
    }
    cols.begin(rows);
    cols.copy(0, k, rows, 4);
    cols.copy(1, bucket, rows, 8);
    cols.copy(2, n, rows, 4);
    cols.copy(3, f64[0]!, rows, 8);
    cols.copy(4, f64[1]!, rows, 8);
    cols.copy(5, f64[2]!, rows, 8);
    cols.copy(6, f64[3]!, rows, 8);
    cols.copy(7, firstTs, rows, 8);
    cols.copy(8, f64[4]!, rows, 8);
    cols.copy(9, lastTs, rows, 8);
    cols.copy(10, good, rows, 4);
    app.appendDataChunk(cols.chunk);
  }
}
