/** PostgreSQL type OIDs the endpoint speaks. */
export const OID = {
  bool: 16, bytea: 17, int8: 20, int2: 21, int4: 23, text: 25, json: 114, float4: 700, float8: 701,
  varchar: 1043, date: 1082, time: 1083, timestamp: 1114, timestamptz: 1184, interval: 1186, numeric: 1700, uuid: 2950,
} as const;

const SIZES: Record<number, number> = { 16: 1, 20: 8, 21: 2, 23: 4, 700: 4, 701: 8, 1082: 4, 1083: 8, 1114: 8, 1184: 8, 1186: 16, 2950: 16 };

/** The PostgreSQL type a DuckDB result column is sent as. */
export function pgTypeOf(duckType: string): { oid: number; size: number } {
  const t = duckType.toUpperCase();
  let oid: number = OID.text;
  if (t === 'BOOLEAN') oid = OID.bool;
  else if (t === 'TINYINT' || t === 'SMALLINT' || t === 'UTINYINT') oid = OID.int2;
  else if (t === 'INTEGER' || t === 'USMALLINT') oid = OID.int4;
  else if (t === 'BIGINT' || t === 'UINTEGER') oid = OID.int8;
  else if (t === 'HUGEINT' || t === 'UBIGINT' || t === 'UHUGEINT' || t.startsWith('DECIMAL')) oid = OID.numeric;
  else if (t === 'FLOAT') oid = OID.float4;
  else if (t === 'DOUBLE') oid = OID.float8;
  else if (t === 'DATE') oid = OID.date;
  else if (t === 'TIME') oid = OID.time;
  else if (t === 'TIMESTAMP WITH TIME ZONE') oid = OID.timestamptz;
  else if (t.startsWith('TIMESTAMP')) oid = OID.timestamp;
  else if (t === 'INTERVAL') oid = OID.interval;
  else if (t === 'UUID') oid = OID.uuid;
  else if (t === 'BLOB') oid = OID.bytea;
  else if (t === 'JSON' || t.endsWith('[]') || t.startsWith('STRUCT') || t.startsWith('MAP') || t.startsWith('UNION')) oid = OID.json;
  else if (t === 'VARCHAR') oid = OID.text;
  return { oid, size: SIZES[oid] ?? -1 };
}

/** Types with a binary encoder; others are always sent as text. */
const BINARY = new Set<number>([OID.bool, OID.int2, OID.int4, OID.int8, OID.float4, OID.float8, OID.text, OID.varchar, OID.json, OID.date, OID.timestamp, OID.timestamptz, OID.numeric, OID.bytea, OID.uuid, OID.interval]);

export function hasBinary(oid: number): boolean {
  return BINARY.has(oid);
}

const PG_EPOCH_MS = Date.UTC(2000, 0, 1);

/** Text format of a JSON-safe result value for `oid`. */
export function encodeText(v: unknown, oid: number): Buffer {
  return Buffer.from(textOf(v, oid), 'utf8');
}

function textOf(v: unknown, oid: number): string {
  switch (oid) {
    case OID.bool:
      return v ? 't' : 'f';
    case OID.timestamp:
    case OID.timestamptz:
      return typeof v === 'string' ? pgTimestamp(v, oid === OID.timestamptz) : String(v);
    case OID.date:
      return typeof v === 'string' ? v.slice(0, 10) : String(v);
    case OID.bytea:
      return typeof v === 'string' ? `\\x${Buffer.from(v, 'base64').toString('hex')}` : String(v);
    case OID.interval:
      return intervalText(v);
    case OID.json:
      return JSON.stringify(v);
    default:
      return typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
}

/** Binary format of a value for `oid` (see `hasBinary`). */
export function encodeBinary(v: unknown, oid: number): Buffer {
  switch (oid) {
    case OID.bool:
      return Buffer.from([v ? 1 : 0]);
    case OID.int2: {
      const b = Buffer.alloc(2);
      b.writeInt16BE(Number(v));
      return b;
    }
    case OID.int4: {
      const b = Buffer.alloc(4);
      b.writeInt32BE(Number(v));
      return b;
    }
    case OID.int8: {
      const b = Buffer.alloc(8);
      b.writeBigInt64BE(BigInt(v as string | number));
      return b;
    }
    case OID.float4: {
      const b = Buffer.alloc(4);
      b.writeFloatBE(Number(v));
      return b;
    }
    case OID.float8: {
      const b = Buffer.alloc(8);
      b.writeDoubleBE(Number(v));
      return b;
    }
    case OID.timestamp:
    case OID.timestamptz: {
      const b = Buffer.alloc(8);
      b.writeBigInt64BE(BigInt(Date.parse(String(v)) - PG_EPOCH_MS) * 1000n);
      return b;
    }
    case OID.date: {
      const b = Buffer.alloc(4);
      b.writeInt32BE(Math.round((Date.parse(`${String(v).slice(0, 10)}T00:00:00Z`) - PG_EPOCH_MS) / 86_400_000));
      return b;
    }
    case OID.numeric:
      return numericBinary(String(v));
    case OID.bytea:
      return typeof v === 'string' ? Buffer.from(v, 'base64') : Buffer.from(String(v));
    case OID.uuid:
      return Buffer.from(String(v).replaceAll('-', ''), 'hex');
    case OID.interval: {
      const i = v as { months?: number; days?: number; micros?: number | string };
      const b = Buffer.alloc(16);
      b.writeBigInt64BE(BigInt(i.micros ?? 0));
      b.writeInt32BE(Number(i.days ?? 0), 8);
      b.writeInt32BE(Number(i.months ?? 0), 12);
      return b;
    }
    default:
      return encodeText(v, oid);
  }
}

/** "2024-03-01T10:00:00.123Z" → "2024-03-01 10:00:00.123" (+ "+00" for timestamptz). */
export function pgTimestamp(iso: string, tz: boolean): string {
  const m = /^(\d{4,}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(iso);
  if (!m) return iso;
  const frac = m[3] && !/^\.0+$/.test(m[3]) ? m[3].replace(/0+$/, '') : '';
  return `${m[1]} ${m[2]}${frac}${tz ? '+00' : ''}`;
}

function intervalText(v: unknown): string {
  const i = v as { months?: number; days?: number; micros?: number | string };
  const micros = Number(i.micros ?? 0);
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(micros);
  const h = Math.floor(abs / 3_600_000_000);
  const m = Math.floor(abs / 60_000_000) % 60;
  const s = (abs % 60_000_000) / 1_000_000;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${i.months ?? 0} mons ${i.days ?? 0} days ${sign}${p(h)}:${p(m)}:${s < 10 ? '0' : ''}${s}`;
}

/** PostgreSQL's binary numeric: base-10000 digits with weight, sign and display scale. */
function numericBinary(text: string): Buffer {
  const m = /^(-)?(\d*)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) {
    const nan = Buffer.alloc(8);
    nan.writeUInt16BE(0xc000, 4);
    return nan;
  }
  const negative = m[1] === '-';
  const int = (m[2] ?? '').replace(/^0+/, '');
  const frac = m[3] ?? '';
  const intPadded = int.padStart(Math.ceil(int.length / 4) * 4, '0');
  const fracPadded = frac.padEnd(Math.ceil(frac.length / 4) * 4, '0');
  const digits: number[] = [];
  for (let i = 0; i < intPadded.length; i += 4) digits.push(Number(intPadded.slice(i, i + 4)));
  const weight = digits.length - 1;
  for (let i = 0; i < fracPadded.length; i += 4) digits.push(Number(fracPadded.slice(i, i + 4)));
  let lead = 0;
  while (lead < digits.length && digits[lead] === 0) lead++;
  let end = digits.length;
  while (end > lead && digits[end - 1] === 0) end--;
  const kept = digits.slice(lead, end);
  const b = Buffer.alloc(8 + kept.length * 2);
  b.writeInt16BE(kept.length, 0);
  b.writeInt16BE(kept.length === 0 ? 0 : weight - lead, 2);
  b.writeUInt16BE(negative ? 0x4000 : 0, 4);
  b.writeInt16BE(frac.length, 6);
  kept.forEach((d, i) => b.writeInt16BE(d, 8 + i * 2));
  return b;
}

/** A bound parameter as SQL literal text, from its wire format and declared type. */
export function parameterLiteral(value: Buffer | null, format: number, oid: number): string {
  if (value === null) return 'NULL';
  if (format === 1) {
    switch (oid) {
      case OID.bool:
        return value[0] ? 'TRUE' : 'FALSE';
      case OID.int2:
        return String(value.readInt16BE());
      case OID.int4:
        return String(value.readInt32BE());
      case OID.int8:
        return String(value.readBigInt64BE());
      case OID.float4:
        return String(value.readFloatBE());
      case OID.float8:
        return String(value.readDoubleBE());
      case OID.timestamp:
      case OID.timestamptz:
        return `TIMESTAMP '${new Date(Number(value.readBigInt64BE() / 1000n) + PG_EPOCH_MS).toISOString().replace('T', ' ').replace('Z', '')}'`;
      case OID.text:
      case OID.varchar:
      case OID.json:
      case 0:
        return quote(value.toString('utf8'));
      default:
        throw new Error(`binary parameters of type ${oid} are not supported; send them as text`);
    }
  }
  const text = value.toString('utf8');
  if ([OID.int2, OID.int4, OID.int8, OID.float4, OID.float8, OID.numeric].includes(oid as never) && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) return text;
  if (oid === OID.bool) return /^(t|true|1|y|yes|on)$/i.test(text) ? 'TRUE' : 'FALSE';
  return quote(text);
}

function quote(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}
