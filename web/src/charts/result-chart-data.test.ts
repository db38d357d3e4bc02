import { describe, expect, it } from 'vitest';
import { defaultX, resultColumns } from './result-chart-data.js';

const result = {
  columns: [
    { name: 'tag', type: 'VARCHAR' },
    { name: 'ts', type: 'TIMESTAMP' },
    { name: 'v', type: 'DOUBLE' },
    { name: 'n', type: 'BIGINT' },
  ],
  rows: [
    ['a', '2025-01-01T00:00:02.000Z', 2, 20],
    ['a', '2025-01-01T00:00:01.000Z', 1, null],
    ['a', null, 9, 9],
  ],
  truncated: false,
  elapsedMs: 1,
};

describe('query results as chart columns', () => {
  it('puts the first time column on x, sorted, in seconds, and drops rows without x', () => {
    expect(defaultX(result)).toBe(1);
    const [x, v, n] = resultColumns(result, 1, [2, 3]);
    const t0 = Date.UTC(2025, 0, 1) / 1000;
    expect(Array.from(x as ArrayLike<number>)).toEqual([t0 + 1, t0 + 2]);
    expect(v).toEqual([1, 2]);
    expect(n).toEqual([null, 20]);
  });

  it('has no x when there is neither a time nor a number column', () => {
    expect(defaultX({ ...result, columns: [{ name: 'tag', type: 'VARCHAR' }] })).toBe(-1);
  });
});
