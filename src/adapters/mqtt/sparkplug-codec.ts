import sparkplugPayload from 'sparkplug-payload';
import type { UMetric, UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import { SparkplugDecodeError } from './errors.js';

const codec = sparkplugPayload.get('spBv1.0')!;

/** Sparkplug B datatype names (the subset Fabrik maps to tags; others decode with a null value). */
export type SparkplugDataType = UMetric['type'];

/** One metric, with 64-bit integers already turned into numbers. */
export interface SparkplugMetric {
  name?: string;
  alias?: number;
  /** Epoch ms. */
  timestamp?: number;
  type: SparkplugDataType;
  /** Null for is_null metrics and for types Fabrik does not map (DataSet, Template, Bytes…). */
  value: number | boolean | string | null;
  /** The "Quality" property (Ignition convention: 192 good, 0 bad, 500 stale), if sent. */
  quality?: number;
}

export interface SparkplugPayload {
  /** Epoch ms. */
  timestamp?: number;
  /** 0..255; absent on NDEATH. */
  seq?: number;
  metrics: SparkplugMetric[];
}

interface LongLike {
  toNumber(): number;
}

function num(v: unknown): number | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'number') return v;
  if (typeof (v as LongLike).toNumber === 'function') return (v as LongLike).toNumber();
  return undefined;
}

function plainValue(v: unknown): SparkplugMetric['value'] {
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  return num(v) ?? null;
}

/** Decodes a Sparkplug B protobuf payload. Throws SparkplugDecodeError on malformed input. */
export function decodeSparkplug(bytes: Uint8Array): SparkplugPayload {
  let raw: UPayload;
  try {
    raw = codec.decodePayload(bytes);
  } catch (err) {
    throw new SparkplugDecodeError(`malformed Sparkplug B payload (${bytes.length} bytes): ${(err as Error).message}`, { cause: err });
  }
  const metrics: SparkplugMetric[] = [];
  for (const m of raw.metrics ?? []) {
    const metric: SparkplugMetric = { type: m.type, value: m.isNull ? null : plainValue(m.value) };
    if (m.name != null) metric.name = m.name;
    const alias = num(m.alias);
    if (alias !== undefined) metric.alias = alias;
    const ts = num(m.timestamp);
    if (ts !== undefined) metric.timestamp = ts;
    const q = m.properties?.['Quality'];
    const qv = q ? num(q.value) : undefined;
    if (qv !== undefined) metric.quality = qv;
    metrics.push(metric);
  }
  const out: SparkplugPayload = { metrics };
  const ts = num(raw.timestamp);
  if (ts !== undefined) out.timestamp = ts;
  const seq = num(raw.seq);
  if (seq !== undefined) out.seq = seq;
  return out;
}

/** Encodes a payload; metric values must suit their type. */
export function encodeSparkplug(payload: SparkplugPayload): Uint8Array {
  const metrics: UMetric[] = payload.metrics.map((m) => {
    const u: UMetric = { type: m.type, value: m.value };
    if (m.name !== undefined) u.name = m.name;
    if (m.alias !== undefined) u.alias = m.alias;
    if (m.timestamp !== undefined) u.timestamp = m.timestamp;
    if (m.value === null) u.isNull = true;
    if (m.quality !== undefined) u.properties = { Quality: { type: 'Int32', value: m.quality } };
    return u;
  });
  const u: UPayload = { metrics };
  if (payload.timestamp !== undefined) u.timestamp = payload.timestamp;
  if (payload.seq !== undefined) u.seq = payload.seq;
  return codec.encodePayload(u);
}
