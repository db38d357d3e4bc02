import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { TagRegistry } from '../../core/index.js';
import { decodeImage } from '../../inference/index.js';
import { bottleDataset } from '../../sim/index.js';
import { TrainingError } from './errors.js';
import { RowWindowTable } from './row-table.js';
import type { LabelledImage } from './image-classifier-training.js';
import { SIM_EPOCH, simulateStoredSamples } from './sim-stream.js';
import type { TrainingTable } from './training-table.js';

const TIME_COLUMNS = new Set(['ts', 'time', 'timestamp', 'bucket']);

/** Splits one CSV line (RFC 4180 quotes). */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((f) => f.trim());
}

/**
 * A CSV of rows with a header: one numeric column per tag (a `ts`/`time`
 * column is ignored, a `label` column of 0/1 marks known anomalies). This is
 * what `fabrik query --format csv` gives for a pivoted query.
 */
export async function readCsvTable(file: string): Promise<TrainingTable> {
  const text = await readFile(file, 'utf8').catch((cause: unknown) => {
    throw new TrainingError('TRAIN_CSV_INVALID', `cannot read ${file}: ${(cause as Error).message}`, { cause });
  });
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) throw new TrainingError('TRAIN_CSV_INVALID', `${file} needs a header line and at least one row`);
  const header = csvFields(lines[0]!);
  const label = header.findIndex((h) => h.toLowerCase() === 'label');
  const features = header.map((h, i) => ({ h, i })).filter(({ h, i }) => i !== label && !TIME_COLUMNS.has(h.toLowerCase()));
  if (features.length === 0) throw new TrainingError('TRAIN_CSV_INVALID', `${file} has no feature columns (only ${header.join(', ')})`);
  const rows: number[][] = [];
  const labels: number[] = [];
  lines.slice(1).forEach((line, k) => {
    const f = csvFields(line);
    if (f.length !== header.length) throw new TrainingError('TRAIN_CSV_INVALID', `${file} line ${k + 2}: ${f.length} fields, the header has ${header.length}`);
    rows.push(
      features.map(({ h, i }) => {
        const v = f[i] === '' ? Number.NaN : Number(f[i]);
        if (!Number.isFinite(v)) throw new TrainingError('TRAIN_CSV_INVALID', `${file} line ${k + 2}, column "${h}": "${f[i]}" is not a number; fill or drop gaps before training`);
        return v;
      }),
    );
    if (label >= 0) labels.push(Number(f[label]) ? 1 : 0);
  });
  return { columns: features.map((x) => x.h), rows, ...(label >= 0 ? { labels } : {}) };
}

/** A CSV of `file,label` lines naming pictures (paths relative to the CSV). */
export async function readImageCsv(file: string): Promise<LabelledImage[]> {
  const table = (await readFile(file, 'utf8')).split(/\r?\n/).filter((l) => l.trim() !== '').map(csvFields);
  const [header, ...rows] = table;
  const fi = header?.indexOf('file') ?? -1;
  const li = header?.indexOf('label') ?? -1;
  if (fi < 0 || li < 0) throw new TrainingError('TRAIN_CSV_INVALID', `${file} needs the columns "file" and "label"`);
  const dir = path.dirname(file);
  return Promise.all(
    rows.map(async (r) => {
      const bytes = await readFile(path.resolve(dir, r[fi]!));
      return { image: decodeImage(bytes, { maxBytes: 64 * 1024 * 1024, maxPixels: 50_000_000 }), label: r[li]! };
    }),
  );
}

/** Options of `simTagTable`. */
export interface SimTableOptions {
  seed: number;
  tags: string[];
  minutes: number;
  windowMs?: number;
  /** Keep only rows where this tag has one of these values (e.g. the machine runs). */
  when?: { tag: string; in: number[]; settle?: number };
  /** Sim minutes to skip at the start (the plant settles). */
  settleMinutes?: number;
  onProgress?: (minute: number) => void;
}

/** Rows of tag values from the simulated plant, stored as a site would store them, one per window. */
export async function simTagTable(opts: SimTableOptions): Promise<TrainingTable> {
  const tags = new TagRegistry();
  const table = new RowWindowTable(opts.tags, opts.windowMs ?? 1000, tags, opts.when);
  const settle = (opts.settleMinutes ?? 5) * 60_000;
  await simulateStoredSamples({
    seed: opts.seed,
    minutes: opts.minutes,
    tags,
    onBatch: (batch, plant) => table.add(batch, plant.time - SIM_EPOCH >= settle),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  return { columns: opts.tags, rows: table.rows };
}

/** Labelled pictures from the simulated camera: half good, half spread over the defect classes. */
export function simImages(seed: number, count: number): LabelledImage[] {
  return bottleDataset({ seed, count, defectShare: 0.5 }).map((b) => ({ image: b, label: b.label }));
}
