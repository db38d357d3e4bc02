import fs from 'node:fs';
import { retentionSchema, storeSchema } from '../src/config/index.js';
import { Quality, TagRegistry, type SampleBatch } from '../src/core/index.js';
import { EdgeStore } from '../src/store/index.js';

type Metric = { value: number; unit: string; target: string };

const DAY = 86_400_000;

/**
 * Store benchmark: durable ingest rate, bytes per stored sample, and rollup
 * query latencies (median of several runs), on slowly varying synthetic
 * signals (random walk rounded to 0.01, 1 s period per tag).
 *
 * The data starts at a UTC midnight two days back and the store runs on a
 * simulated clock that follows the data, so ingest sees "live" data; at the
 * end the clock moves past the day's end and one more compaction seals the
 * day (the steady state of every day but the current one). Bytes are reported
 * for that sealed state and, informationally, before sealing.
 */
export async function benchStore(opts: { dataDir: string; tags: number; samples: number; onProgress?: (msg: string) => void }): Promise<Record<string, Metric>> {
  const { dataDir, tags: nTags } = opts;
  const log = opts.onProgress ?? (() => undefined);
  fs.rmSync(dataDir, { recursive: true, force: true });
  const tags = new TagRegistry();
  for (let i = 0; i < nTags; i++) {
    tags.define({ id: `bench.t${i}`, assetPath: `bench/site/area/line/m${i % 100}`, point: `p${i}`, dataType: 'number', unit: 'u', description: '', retentionClass: 'standard', source: 'bench', writable: false });
  }
  const perTag = Math.max(1, Math.floor(opts.samples / nTags));
  const total = perTag * nTags;
  const t0 = Math.floor(Date.now() / DAY) * DAY - 2 * DAY;
  let clock = t0;
  const store = await EdgeStore.open({
    dataDir, tags, now: () => clock,
    store: storeSchema.parse({ commitInterval: 200, memoryLimit: '2GB', compactEvery: '1h' }),
    retention: retentionSchema.parse({ checkEvery: '24h', classes: { standard: { raw: 3650 * 86_400_000 } } }),
  });
  try {
    const walk = new Float64Array(nTags).map(() => Math.round(Math.random() * 10000) / 100);
    const stepsPerBatch = Math.max(1, Math.floor(100_000 / nTags));
    const inFlight: Promise<void>[] = [];
    let written = 0;
    let sinceCompact = 0;
    let ingestMs = 0;
    let compactMs = 0;
    let started = performance.now();
    for (let step = 0; step < perTag; step += stepsPerBatch) {
      const steps = Math.min(stepsPerBatch, perTag - step);
      inFlight.push(store.write(makeBatch(walk, t0 + step * 1000, steps)));
      clock = t0 + (step + steps) * 1000;
      written += steps * nTags;
      sinceCompact += steps * nTags;
      if (inFlight.length >= 16) await inFlight.shift();
      if (sinceCompact >= 5_000_000 || step + steps >= perTag) {
        await Promise.all(inFlight.splice(0));
        ingestMs += performance.now() - started;
        const c = performance.now();
        await store.compact();
        compactMs += performance.now() - c;
        sinceCompact = 0;
        log(`ingested ${written.toLocaleString()} / ${total.toLocaleString()} samples`);
        started = performance.now();
      }
    }
    await store.flush();
    await store.query('CHECKPOINT').catch(() => undefined);
    const unsealed = await storageBytes(store);
    clock = Math.floor(clock / DAY) * DAY + DAY + 3_600_000;
    const s = performance.now();
    const sealed = (await store.compact()).sealedRows;
    const sealMs = performance.now() - s;
    log(`sealed ${sealed.toLocaleString()} rows in ${Math.round(sealMs)} ms`);
    await store.close();
    const bytes = fs.statSync(`${dataDir}/fabrik.duckdb`).size;
    const reopened = await EdgeStore.open({ dataDir, tags, now: () => clock, store: storeSchema.parse({ memoryLimit: '2GB', compactEvery: '1h' }), retention: retentionSchema.parse({ checkEvery: '24h', classes: { standard: { raw: 3650 * 86_400_000 } } }) });
    try {
      const end = t0 + perTag * 1000;
      const iso = (ms: number): string => new Date(ms).toISOString();
      const one = (h: number): string => `SELECT bucket, avg, min, max FROM rollups_1m WHERE tag = 'bench.t1' AND bucket >= TIMESTAMP '${iso(end - h * 3_600_000)}' ORDER BY bucket`;
      const all = `SELECT tag, bucket, avg, min, max FROM rollups_1m WHERE bucket >= TIMESTAMP '${iso(end - 3_600_000)}'`;
      const allTags = Math.min(nTags, 1000);
      const allSql = nTags > 1000 ? `${all} AND tag IN (SELECT id FROM tags ORDER BY id LIMIT 1000)` : all;
      const used = await reopened.query('SELECT used_blocks * block_size FROM pragma_database_size()');
      const usedBytes = Number(used.rows[0]?.[0]);
      const parts = await storageBytes(reopened);
      const per = (b: number | undefined): number => round((b ?? 0) / total, 3);
      log('running queries');
      return {
        ingestSamplesPerSec: { value: Math.round(total / (ingestMs / 1000)), unit: 'samples/s', target: '>= 1000000 (durable)' },
        compactSamplesPerSec: { value: Math.round(total / (compactMs / 1000)), unit: 'samples/s', target: 'informational' },
        bytesPerSample: { value: round(usedBytes / total, 3), unit: 'bytes', target: '< 3 (used blocks; free blocks are reused)' },
        fileBytesPerSample: { value: round(bytes / total, 3), unit: 'bytes', target: 'informational' },
        bytesRawTs: { value: per(parts.ts), unit: 'bytes/sample', target: 'informational (sealed)' },
        bytesRawValue: { value: per(parts.v), unit: 'bytes/sample', target: 'informational (sealed)' },
        bytesRawKeyQualityLag: { value: per(parts.other), unit: 'bytes/sample', target: 'informational (sealed)' },
        bytesRollups: { value: per(parts.rollups), unit: 'bytes/sample', target: 'informational (sealed)' },
        bytesPerSampleBeforeSeal: { value: per(unsealed.all), unit: 'bytes', target: 'informational (segments of the day before it closes)' },
        bytesRawTsBeforeSeal: { value: per(unsealed.ts), unit: 'bytes/sample', target: 'informational' },
        bytesRawValueBeforeSeal: { value: per(unsealed.v), unit: 'bytes/sample', target: 'informational' },
        sealMs: { value: Math.round(sealMs), unit: 'ms', target: 'informational (one day, in bounded steps)' },
        storedSamples: { value: total, unit: 'samples', target: 'informational' },
        queryOneTag1hMs: { value: await median(reopened, one(1)), unit: 'ms', target: '< 5' },
        queryOneTag24hMs: { value: await median(reopened, one(24)), unit: 'ms', target: '< 5' },
        [`queryAll${allTags}Tags1hMs`]: { value: await median(reopened, allSql), unit: 'ms', target: '< 100' },
        queryRawOneTag1hMs: { value: await median(reopened, `SELECT time_bucket(INTERVAL 1 minute, ts) b, avg(value), min(value), max(value) FROM samples WHERE tag = 'bench.t1' AND ts >= TIMESTAMP '${iso(end - 3_600_000)}' GROUP BY b`), unit: 'ms', target: 'informational' },
      };
    } finally {
      await reopened.close();
    }
  } finally {
    await store.close();
  }
}

function makeBatch(walk: Float64Array, ts0: number, steps: number): SampleBatch {
  const n = walk.length * steps;
  const tag = new Uint32Array(n);
  const ts = new Float64Array(n);
  const value = new Float64Array(n);
  const quality = new Uint8Array(n).fill(Quality.Good);
  let i = 0;
  for (let s = 0; s < steps; s++) {
    for (let t = 0; t < walk.length; t++, i++) {
      walk[t] = Math.round((walk[t]! + (Math.random() - 0.5) * 0.1) * 100) / 100;
      tag[i] = t;
      ts[i] = ts0 + s * 1000;
      value[i] = walk[t]!;
    }
  }
  return { length: n, tag, ts, arrival: ts, value, quality, text: null };
}

/**
 * Approximate stored bytes per raw column and for rollups, from segment
 * offsets in `pragma_storage_info` (a segment ends where the next one in its
 * block starts).
 */
async function storageBytes(store: EdgeStore): Promise<Record<'ts' | 'v' | 'other' | 'rollups' | 'all', number>> {
  const tables = ['raw_hot', 'raw_warm', 'raw_cold', 'raw_text', 'rollup_hot', 'rollup_cold', 'event_log'];
  const segs = tables.map((t) => `SELECT '${t}' AS tbl, column_name AS col, block_id, block_offset FROM pragma_storage_info('${t}') WHERE block_id >= 0`);
  const r = await store.query(`WITH s AS (SELECT DISTINCT * FROM (${segs.join(' UNION ALL ')})),
    z AS (SELECT *, coalesce(lead(block_offset) OVER (PARTITION BY block_id ORDER BY block_offset), 262136) - block_offset AS sz FROM s)
    SELECT CASE WHEN tbl LIKE 'rollup%' THEN 'rollups' WHEN tbl = 'raw_text' OR tbl = 'event_log' THEN 'rest' WHEN col IN ('ts', 'v') THEN col ELSE 'other' END,
      sum(sz)::BIGINT FROM z GROUP BY 1`);
  const out = { ts: 0, v: 0, other: 0, rollups: 0, all: 0 };
  for (const [part, bytes] of r.rows) {
    if (part === 'ts' || part === 'v' || part === 'other' || part === 'rollups') out[part] = Number(bytes);
    out.all += Number(bytes);
  }
  return out;
}

async function median(store: EdgeStore, sql: string, runs = 7): Promise<number> {
  await store.query(sql);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await store.query(sql);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return round(times[Math.floor(runs / 2)]!, 2);
}

function round(v: number, digits: number): number {
  return Math.round(v * 10 ** digits) / 10 ** digits;
}
