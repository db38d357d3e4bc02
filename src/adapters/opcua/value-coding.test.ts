import { DataType } from 'node-opcua';
import { describe, expect, it } from 'vitest';
import { decodeValue, encodeValue } from './value-coding.js';

describe('decodeValue', () => {
  it('keeps numbers, turns booleans into 0/1 and Int64 words into numbers', () => {
    expect(decodeValue('number', 21.5)).toEqual({ kind: 'number', value: 21.5 });
    expect(decodeValue('boolean', true)).toEqual({ kind: 'number', value: 1 });
    expect(decodeValue('boolean', 7)).toEqual({ kind: 'number', value: 1 });
    expect(decodeValue('integer', [1, 5])).toEqual({ kind: 'number', value: 2 ** 32 + 5 });
    expect(decodeValue('string', 42)).toEqual({ kind: 'text', value: '42' });
  });
  it('reports a type mismatch instead of making NaN out of text', () => {
    expect(decodeValue('number', 'hello')).toEqual({ kind: 'mismatch', got: 'string' });
    expect(decodeValue('number', new Float64Array(2))).toEqual({ kind: 'mismatch', got: 'array' });
  });
  it('treats a missing value as NaN (the status carries the reason)', () => {
    expect(decodeValue('number', null)).toMatchObject({ kind: 'number' });
  });
});

describe('encodeValue', () => {
  it('builds the variant of the server type', () => {
    expect(encodeValue(DataType.Double, 3.5)).toMatchObject({ dataType: DataType.Double, value: 3.5 });
    expect(encodeValue(DataType.UInt16, 300)).toMatchObject({ dataType: DataType.UInt16, value: 300 });
    expect(encodeValue(DataType.Boolean, 1)).toMatchObject({ dataType: DataType.Boolean, value: true });
  });
  it('refuses values that do not fit', () => {
    expect(encodeValue(DataType.Byte, 300)).toMatch(/0\.\.255/);
    expect(encodeValue(DataType.Int32, 1.5)).toMatch(/integer/);
    expect(encodeValue(DataType.Double, 'x')).toMatch(/finite number/);
  });
});
