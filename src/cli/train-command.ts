import { Command, Option } from 'commander';
import type { TrainKind } from '../hub/training/index.js';
import { parsePositiveInt } from './options.js';

/**
 * `fabrik train`: trains a model from a CSV or from the simulator and writes
 * an ONNX file with its manifest. (The hub will run the same trainers on the
 * data sites synced to it.)
 */
export function trainCommand(): Command {
  return new Command('train')
    .description('train an anomaly or inspection model and write it as ONNX (+ manifest) to register on a node')
    .addOption(new Option('--kind <kind>', 'pca | iforest | image-classifier').choices(['pca', 'iforest', 'image-classifier']).makeOptionMandatory())
    .option('--from-csv <file>', 'rows with one column per tag (ts and label columns allowed); for image-classifier: file,label lines')
    .addOption(new Option('--sim-seed <n>', 'draw the data from the simulator under this seed').argParser(parsePositiveInt))
    .requiredOption('--out <file>', 'where to write the .onnx file (its manifest goes beside it)')
    .option('--name <name>', 'model name (default: lathe-pca, lathe-iforest or bottle-inspector)')
    .option('--tags <list>', 'comma-separated tags for --sim-seed (default: the demo lathe)')
    .addOption(new Option('--minutes <n>', 'sim minutes of data for pca/iforest').argParser(parsePositiveInt))
    .addOption(new Option('--images <n>', 'sim pictures for image-classifier (default 2400)').argParser(parsePositiveInt))
    .addOption(new Option('--epochs <n>', 'training epochs for image-classifier (default 10)').argParser(parsePositiveInt))
    .option('--window <duration>', 'row period of the tags input (default 1s)')
    .action(async (opts: { kind: TrainKind; fromCsv?: string; simSeed?: number; out: string; name?: string; tags?: string; minutes?: number; images?: number; epochs?: number; window?: string }) => {
      const started = Date.now();
      // Loaded here, not at start-up: every other command would pay for the trainers.
      const { runTraining } = await import('../hub/training/index.js');
      const { model, files } = await runTraining({
        kind: opts.kind,
        out: opts.out,
        ...(opts.name ? { name: opts.name } : {}),
        ...(opts.fromCsv ? { fromCsv: opts.fromCsv } : {}),
        ...(opts.simSeed !== undefined ? { simSeed: opts.simSeed } : {}),
        ...(opts.tags ? { tags: opts.tags.split(',').map((t) => t.trim()).filter(Boolean) } : {}),
        ...(opts.minutes ? { minutes: opts.minutes } : {}),
        ...(opts.images ? { images: opts.images } : {}),
        ...(opts.epochs ? { epochs: opts.epochs } : {}),
        ...(opts.window ? { window: opts.window } : {}),
        onProgress: (m) => process.stderr.write(`\r\x1b[K[train] ${m}`),
      });
      process.stderr.write('\n');
      const { confusion, ...metrics } = model.metrics as Record<string, unknown>;
      process.stdout.write(`model ${model.manifest.name} (${opts.kind}) trained in ${Math.round((Date.now() - started) / 1000)} s\n`);
      process.stdout.write(`held-out metrics: ${JSON.stringify(metrics, null, 2)}\n`);
      if (confusion) process.stdout.write(`confusion (truth → predicted): ${JSON.stringify(confusion)}\n`);
      process.stdout.write(`wrote ${files.join(' and ')}\n`);
    });
}
