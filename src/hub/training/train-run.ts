import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TrainingError } from './errors.js';
import { trainImageClassifier, type LabelledImage } from './image-classifier-training.js';
import { trainIsolationForest } from './isolation-forest-training.js';
import { trainPca, type TrainedModel } from './pca-training.js';
import { readCsvTable, readImageCsv, simImages, simTagTable } from './training-data.js';
import type { TrainingTable } from './training-table.js';

export const TRAIN_KINDS = ['pca', 'iforest', 'image-classifier'] as const;
export type TrainKind = (typeof TRAIN_KINDS)[number];

/** The lathe signals the demo's multivariate model watches, and when (running). */
export const DEMO_LATHE_TAGS = ['cnc1.lathe.spindle_load', 'cnc1.lathe.tool_wear', 'cnc1.lathe.coolant_temp'];
export const DEMO_LATHE_RUNNING = { tag: 'cnc1.lathe.state', in: [2], settle: 30_000 };

/** One training job, as `fabrik train` describes it. */
export interface TrainRequest {
  kind: TrainKind;
  out: string;
  name?: string;
  fromCsv?: string;
  simSeed?: number;
  /** Tags for the sim source (default: the demo lathe). */
  tags?: string[];
  /** Sim minutes (tags) or pictures (images) to draw from the simulator. */
  minutes?: number;
  images?: number;
  epochs?: number;
  window?: string;
  seed?: number;
  onProgress?: (message: string) => void;
}

/**
 * Gets the data (a CSV, or the simulator under a seed), trains, and writes
 * `<out>` plus `<out minus .onnx>.manifest.json` beside it. The manifest is
 * inside the model too, so `fabrik` can register the .onnx alone.
 */
export async function runTraining(req: TrainRequest): Promise<{ model: TrainedModel; files: string[] }> {
  if ((req.fromCsv === undefined) === (req.simSeed === undefined)) throw new TrainingError('TRAIN_INVALID_OPTION', 'give exactly one data source: --from-csv <file> or --sim-seed <n>');
  const say = req.onProgress ?? (() => {});
  const name = req.name ?? (req.kind === 'image-classifier' ? 'bottle-inspector' : `lathe-${req.kind}`);
  let model: TrainedModel;
  if (req.kind === 'image-classifier') {
    let images: LabelledImage[];
    if (req.fromCsv) images = await readImageCsv(req.fromCsv);
    else {
      const count = req.images ?? 2400;
      say(`rendering ${count} labelled pictures from the simulated camera (seed ${req.simSeed})`);
      images = simImages(req.simSeed!, count);
    }
    const t0 = Date.now();
    model = trainImageClassifier(images, {
      name,
      epochs: req.epochs ?? 10,
      seed: req.seed ?? 1,
      onProgress: (p) => {
        if (p.batch % 10 === 0 || p.batch === p.batches) say(`epoch ${p.epoch}/${p.epochs}, batch ${p.batch}/${p.batches}, loss ${p.loss.toFixed(3)}, ${Math.round((Date.now() - t0) / 1000)} s`);
      },
    });
  } else {
    let table: TrainingTable;
    if (req.fromCsv) table = await readCsvTable(req.fromCsv);
    else {
      const minutes = req.minutes ?? 240;
      const tags = req.tags ?? DEMO_LATHE_TAGS;
      say(`simulating ${minutes} min of the plant (seed ${req.simSeed}) for ${tags.join(', ')}`);
      table = await simTagTable({
        seed: req.simSeed!,
        tags,
        minutes,
        ...(req.tags ? {} : { when: DEMO_LATHE_RUNNING }),
        onProgress: (m) => {
          if (m % 30 === 0) say(`simulated ${m}/${minutes} min`);
        },
      });
    }
    say(`training ${req.kind} on ${table.rows.length} rows of ${table.columns.length} tags`);
    const common = { name, seed: req.seed ?? 1, ...(req.window ? { window: req.window } : {}), ...(req.fromCsv || req.tags ? {} : { when: DEMO_LATHE_RUNNING }) };
    model = req.kind === 'pca' ? trainPca(table, common) : trainIsolationForest(table, common);
  }
  await mkdir(path.dirname(path.resolve(req.out)), { recursive: true });
  const manifestFile = req.out.replace(/\.onnx$/i, '') + '.manifest.json';
  await writeFile(req.out, model.onnx);
  await writeFile(manifestFile, `${JSON.stringify(model.manifest, null, 2)}\n`);
  return { model, files: [req.out, manifestFile] };
}
