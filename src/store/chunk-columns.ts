import duckdb from '@duckdb/node-bindings';
import { DuckDBDataChunk, type DuckDBType } from '@duckdb/node-api';

/** Rows per DuckDB data chunk (STANDARD_VECTOR_SIZE, 2048 in release builds). */
export const CHUNK_ROWS = duckdb.vector_size();

/**
 * A reusable DuckDB data chunk filled by memcpy from typed arrays, so a batch
 * reaches the appender without one JS call per value. Timestamps go in as
 * int64 microseconds written through two uint32 halves (no BigInt per value).
 */
export class ChunkColumns {
  readonly chunk: DuckDBDataChunk;
  readonly #validity = new Uint8Array(CHUNK_ROWS / 8);

  constructor(types: readonly DuckDBType[]) {
    this.chunk = DuckDBDataChunk.create(types, CHUNK_ROWS);
  }

  begin(rows: number): void {
    this.chunk.reset();
    this.chunk.rowCount = rows;
  }

  copy(column: number, src: ArrayBufferView, rows: number, bytesPerRow: number): void {
    const vector = duckdb.data_chunk_get_vector(this.chunk.chunk, column);
    duckdb.copy_data_to_vector(vector, 0, src.buffer as ArrayBuffer, src.byteOffset, rows * bytesPerRow);
  }

  /** Marks rows whose `valid[i]` is 0 as NULL in `column`. */
  setValidity(column: number, valid: Uint8Array, rows: number): void {
    const bits = this.#validity;
    bits.fill(0);
    for (let i = 0; i < rows; i++) if (valid[i]) bits[i >> 3]! |= 1 << (i & 7);
    const vector = duckdb.data_chunk_get_vector(this.chunk.chunk, column);
    duckdb.vector_ensure_validity_writable(vector);
    duckdb.copy_data_to_vector_validity(vector, 0, bits.buffer, 0, Math.ceil(rows / 64) * 8);
  }
}

/** Writes epoch microseconds (a float < 2^53) into an int64 slot of `u32` at row i. */
export function putMicros(u32: Uint32Array, i: number, micros: number): void {
  const hi = Math.floor(micros / 4294967296);
  u32[2 * i] = micros - hi * 4294967296;
  u32[2 * i + 1] = hi;
}
