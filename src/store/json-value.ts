/**
 * Makes a value from DuckDB's JS converter JSON-safe: timestamps and dates as
 * ISO-8601 strings, 64/128-bit integers as numbers when exact else strings,
 * blobs as base64, non-finite numbers as null, lists and structs recursively.
 */
export function toJsonValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? v : null;
    case 'bigint':
      return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
    case 'string':
    case 'boolean':
      return v;
    case 'object':
      break;
    default:
      return String(v);
  }
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  if (Array.isArray(v)) return v.map(toJsonValue);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(v)) out[key] = toJsonValue(value);
  return out;
}

/** A JSON-typed column arrives as text; parse it so the API returns a value. */
export function parseJsonColumn(v: unknown): unknown {
  if (typeof v !== 'string') return toJsonValue(v);
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}
