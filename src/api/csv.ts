/** A JSON-safe form of a value a SQL engine may return (bigint, Date, bytes...). */
export function jsonValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'bigint':
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
    case 'number':
      return Number.isFinite(v) ? v : null;
    case 'string':
    case 'boolean':
      return v;
    case 'object':
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
      if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
      if (Array.isArray(v)) return v.map(jsonValue);
      if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return v;
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonValue(x)]));
    default:
      return String(v);
  }
}

/** One field, quoted per RFC 4180 when it holds a comma, quote, CR or LF. */
export function csvField(v: unknown): string {
  const j = jsonValue(v);
  if (j === null) return '';
  const s = typeof j === 'object' ? JSON.stringify(j) : String(j);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** RFC 4180 text: a header row, then one CRLF-terminated line per row. */
export function toCsv(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) lines.push(row.map(csvField).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
