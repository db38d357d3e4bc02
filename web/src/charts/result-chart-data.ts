import type uPlot from 'uplot';
import type { QueryAnswer } from '../api/types.js';

const TIME_TYPES = /^(TIMESTAMP|DATE|TIMESTAMP WITH TIME ZONE|TIMESTAMP_MS|TIMESTAMP_NS|TIMESTAMP_S)/i;
const NUMBER_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL|REAL)/i;

export function isTimeColumn(type: string): boolean {
  return TIME_TYPES.test(type);
}

export function isNumberColumn(type: string): boolean {
  return NUMBER_TYPES.test(type);
}

/** The column to put on x: the first time column, else the first numeric one. */
export function defaultX(result: QueryAnswer): number {
  const t = result.columns.findIndex((c) => isTimeColumn(c.type));
  return t >= 0 ? t : result.columns.findIndex((c) => isNumberColumn(c.type));
}

/** Rows to uPlot's columns, sorted by x; time columns become seconds. */
export function resultColumns(result: QueryAnswer, x: number, ys: readonly number[]): uPlot.AlignedData {
  const time = isTimeColumn(result.columns[x]?.type ?? '');
  const toX = (v: unknown): number => (time ? Date.parse(String(v)) / 1000 : Number(v));
  const rows = result.rows.filter((r) => r[x] !== null && r[x] !== undefined);
  const order = rows.map((r, i) => [toX(r[x]), i] as const).filter(([v]) => Number.isFinite(v));
  order.sort((a, b) => a[0] - b[0]);
  const xs = new Float64Array(order.length);
  const cols = ys.map(() => new Array<number | null>(order.length));
  order.forEach(([v, i], k) => {
    xs[k] = v;
    const row = rows[i]!;
    ys.forEach((y, j) => {
      const n = row[y];
      cols[j]![k] = n === null || n === undefined ? null : Number(n);
    });
  });
  return [xs as unknown as number[], ...cols] as uPlot.AlignedData;
}
