import { describe, expect, it } from 'vitest';
import { csvField, jsonValue, toCsv } from './csv.js';

describe('csv', () => {
  it('quotes only what RFC 4180 needs', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField(null)).toBe('');
    expect(toCsv(['a', 'b'], [[1, 'x,y']])).toBe('a,b\r\n1,"x,y"\r\n');
  });

  it('makes engine values JSON-safe', () => {
    expect(jsonValue(2n ** 60n)).toBe('1152921504606846976');
    expect(jsonValue(42n)).toBe(42);
    expect(jsonValue(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
    expect(jsonValue(Number.NaN)).toBeNull();
    expect(jsonValue(new Uint8Array([1, 2]))).toBe('AQI=');
  });
});
