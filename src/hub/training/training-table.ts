import { Prng } from '../../sim/index.js';
import { TrainingError } from './errors.js';

/**
 * Rows of numeric features, one column per tag, as the trainers take them.
 * `labels` (1 anomalous, 0 normal) is optional: trainers fit on normal rows
 * only and use labelled anomalies to measure recall on the held-out part.
 */
export interface TrainingTable {
  columns: string[];
  rows: number[][];
  labels?: number[];
}

/** Rows split into a training part and a held-out part that training never sees. */
/** What every detector trained on a table of tags is given, whatever its kind. */
export interface TagModelOptions {
  /** Model name (score tags are "<name>.<score>"). */
  name: string;
  /** Share of normal rows held out for the metrics. Default 0.25. */
  holdoutShare?: number;
  /** Quantile of the training scores that sets the control limit(s); each kind has its default. */
  limitQuantile?: number;
  /** Row period of the tags input in the manifest. Default "1s". */
  window?: string;
  seed?: number;
  description?: string;
  /** Score only while this tag has one of these values: the data was taken under the same condition. */
  when?: { tag: string; in: number[]; settle?: number };
}

export interface HoldoutSplit {
  train: number[][];
  holdout: number[][];
  holdoutLabels: number[];
}

/** Checks shape and values; throws TRAIN_INVALID_DATA naming the first bad row. */
export function checkTable(table: TrainingTable, minRows: number): void {
  const f = table.columns.length;
  if (f === 0) throw new TrainingError('TRAIN_INVALID_DATA', 'the data has no columns; give at least one tag');
  if (table.rows.length < minRows) throw new TrainingError('TRAIN_INVALID_DATA', `need at least ${minRows} rows to train, got ${table.rows.length}; collect more data or widen the time range`);
  if (table.labels && table.labels.length !== table.rows.length) throw new TrainingError('TRAIN_INVALID_DATA', `labels has ${table.labels.length} entries for ${table.rows.length} rows`);
  table.rows.forEach((row, i) => {
    if (row.length !== f) throw new TrainingError('TRAIN_INVALID_DATA', `row ${i + 1} has ${row.length} values for ${f} columns`);
    for (const v of row) if (!Number.isFinite(v)) throw new TrainingError('TRAIN_INVALID_DATA', `row ${i + 1} has a value that is not a finite number (${v}); drop or fill gaps before training`);
  });
}

/**
 * Splits off `share` of the normal rows (and every labelled anomaly) as the
 * held-out set, chosen by a seeded shuffle so a retrain on the same data
 * gives the same model.
 */
export function splitHoldout(table: TrainingTable, share: number, seed: number): HoldoutSplit {
  if (!(share > 0 && share < 1)) throw new TrainingError('TRAIN_INVALID_OPTION', `holdout share must be between 0 and 1, got ${share}`);
  const rng = Prng.derive(seed, 'holdout');
  const normal: number[] = [];
  const anomalous: number[] = [];
  table.rows.forEach((_, i) => (table.labels?.[i] ? anomalous : normal).push(i));
  shuffle(normal, rng);
  const cut = Math.max(1, Math.round(normal.length * share));
  const held = normal.slice(0, cut).sort((a, b) => a - b);
  const train = normal.slice(cut).sort((a, b) => a - b);
  const holdoutIdx = [...held, ...anomalous];
  return {
    train: train.map((i) => table.rows[i]!),
    holdout: holdoutIdx.map((i) => table.rows[i]!),
    holdoutLabels: holdoutIdx.map((i) => (table.labels?.[i] ? 1 : 0)),
  };
}

export function shuffle<T>(items: T[], rng: Prng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** The q-quantile (0..1) by linear interpolation between order statistics. */
export function quantile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Detection metrics of a score against labels at a threshold. */
export interface DetectionMetrics {
  rows: number;
  anomalies: number;
  /** Share of normal rows scored above the threshold. */
  falseAlarmRate: number;
  /** Share of anomalous rows scored above the threshold (null without labelled anomalies). */
  recall: number | null;
  precision: number | null;
}

export function detectionMetrics(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number): DetectionMetrics {
  let tp = 0;
  let fp = 0;
  let pos = 0;
  let neg = 0;
  for (let i = 0; i < scores.length; i++) {
    const flagged = scores[i]! > threshold;
    if (labels[i]) {
      pos++;
      if (flagged) tp++;
    } else {
      neg++;
      if (flagged) fp++;
    }
  }
  return {
    rows: scores.length,
    anomalies: pos,
    falseAlarmRate: neg ? fp / neg : 0,
    recall: pos ? tp / pos : null,
    precision: tp + fp ? tp / (tp + fp) : pos ? 0 : null,
  };
}

/** Column means and standard deviations (a constant column gets std 1, so it never divides by zero). */
export function columnStats(rows: readonly number[][], f: number): { mean: Float64Array; std: Float64Array } {
  const mean = new Float64Array(f);
  const std = new Float64Array(f);
  for (const r of rows) for (let j = 0; j < f; j++) mean[j] = mean[j]! + r[j]!;
  for (let j = 0; j < f; j++) mean[j] = mean[j]! / rows.length;
  for (const r of rows) for (let j = 0; j < f; j++) std[j] = std[j]! + (r[j]! - mean[j]!) ** 2;
  for (let j = 0; j < f; j++) {
    const s = Math.sqrt(std[j]! / Math.max(1, rows.length - 1));
    std[j] = s > 1e-12 * Math.max(1, Math.abs(mean[j]!)) ? s : 1;
  }
  return { mean, std };
}
