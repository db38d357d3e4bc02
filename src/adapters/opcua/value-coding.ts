import { DataType, Variant } from 'node-opcua';
import type { TagDataType } from '../../core/index.js';

/** A value decoded for a tag: a number (booleans 0/1), a text, or a type mismatch. */
export type Decoded = { kind: 'number'; value: number } | { kind: 'text'; value: string } | { kind: 'mismatch'; got: string };

const MISSING: Decoded = { kind: 'number', value: Number.NaN };

/** Decodes a Variant's value into what a tag of `type` stores. */
export function decodeValue(type: TagDataType, value: unknown): Decoded {
  if (value === null || value === undefined) return MISSING;
  if (type === 'string') {
    if (typeof value === 'string') return { kind: 'text', value };
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return { kind: 'text', value: String(value) };
    return { kind: 'mismatch', got: describe(value) };
  }
  if (typeof value === 'number') return { kind: 'number', value: type === 'boolean' ? Number(value !== 0) : value };
  if (typeof value === 'boolean') return { kind: 'number', value: Number(value) };
  if (typeof value === 'bigint') return { kind: 'number', value: Number(value) };
  // node-opcua carries Int64/UInt64 as [high, low] 32-bit words.
  if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'number' && typeof value[1] === 'number') {
    return { kind: 'number', value: value[0] * 2 ** 32 + (value[1] >>> 0) };
  }
  return { kind: 'mismatch', got: describe(value) };
}

function describe(value: unknown): string {
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return 'array';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

const INTEGER_RANGES: Partial<Record<DataType, [number, number]>> = {
  [DataType.SByte]: [-128, 127],
  [DataType.Byte]: [0, 255],
  [DataType.Int16]: [-32768, 32767],
  [DataType.UInt16]: [0, 65535],
  [DataType.Int32]: [-(2 ** 31), 2 ** 31 - 1],
  [DataType.UInt32]: [0, 2 ** 32 - 1],
  [DataType.Int64]: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  [DataType.UInt64]: [0, Number.MAX_SAFE_INTEGER],
};

/** The DataType to write when the server's variable type is not a built-in one. */
export function defaultDataType(type: TagDataType): DataType {
  return type === 'boolean' ? DataType.Boolean : type === 'string' ? DataType.String : type === 'integer' ? DataType.Int32 : DataType.Double;
}

/** Builds the Variant for a write, or returns why the value does not fit `dataType`. */
export function encodeValue(dataType: DataType, value: number | boolean | string): Variant | string {
  if (dataType === DataType.Boolean) {
    if (typeof value === 'boolean') return new Variant({ dataType, value });
    if (value === 0 || value === 1) return new Variant({ dataType, value: value === 1 });
    return `expected a boolean (or 0/1), got ${JSON.stringify(value)}`;
  }
  if (dataType === DataType.String || dataType === DataType.LocalizedText) {
    return new Variant({ dataType: DataType.String, value: String(value) });
  }
  const n = typeof value === 'boolean' ? Number(value) : typeof value === 'number' ? value : Number.NaN;
  if (!Number.isFinite(n)) return `expected a finite number, got ${JSON.stringify(value)}`;
  if (dataType === DataType.Double || dataType === DataType.Float) return new Variant({ dataType, value: n });
  const range = INTEGER_RANGES[dataType];
  if (!range) return `cannot write DataType ${DataType[dataType]}`;
  if (!Number.isInteger(n) || n < range[0] || n > range[1]) return `expected an integer in ${range[0]}..${range[1]} for ${DataType[dataType]}, got ${n}`;
  return new Variant({ dataType, value: dataType === DataType.Int64 || dataType === DataType.UInt64 ? [Math.floor(n / 2 ** 32), n >>> 0] : n });
}
