import { imageToTensor, modelManifestSchema, type ImageInput, type RgbImage } from '../../inference/index.js';
import { Prng } from '../../sim/index.js';
import { adamStep, Conv3x3Relu, Dense, MaxPool2, softmax, type Param, type Shape } from './cnn-layers.js';
import { TrainingError } from './errors.js';
import { OnnxGraph } from './onnx-graph.js';
import type { TrainedModel } from './pca-training.js';
import { quantile, shuffle } from './training-table.js';

/** One training picture and what it shows. */
export interface LabelledImage {
  image: RgbImage;
  label: string;
}

/** Progress of a training run, once per batch. */
export interface TrainingProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
}

/** Options of `trainImageClassifier`. */
export interface ImageClassifierOptions {
  name: string;
  /** Class names; default: the labels in the data, `okLabel` first. */
  labels?: string[];
  okLabel?: string;
  /** Model input size; images are resized to it with an area filter. Default 48 × 80. */
  width?: number;
  height?: number;
  /** Channels of the three conv blocks. Default [8, 12, 16]. */
  channels?: [number, number, number];
  hidden?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** Share of the images held out for the metrics. Default 0.2. */
  holdoutShare?: number;
  /**
   * Reject when P(okLabel) is below this. Default: calibrated on the held-out
   * images — the 0.5% quantile of P(ok) over the good ones, at most 0.95 — so
   * recall is as high as a false reject rate of about 0.5% allows.
   */
  rejectThreshold?: number;
  seed?: number;
  onProgress?: (p: TrainingProgress) => void;
}

/** Verdict metrics of an image classifier on held-out images. */
export type ImageMetrics = {
  images: number;
  defects: number;
  /** Defective images rejected / defective images. */
  recall: number;
  /** Good images rejected / good images. */
  falseRejectRate: number;
  /** Share of images whose class was right. */
  accuracy: number;
  /** confusion[truth][predicted] counts. */
  confusion: Record<string, Record<string, number>>;
};

export interface TrainedImageModel extends TrainedModel {
  /** Class probabilities from the trained network in TypeScript (the ONNX graph computes the same). */
  predict(image: RgbImage): Float32Array;
  metrics: ImageMetrics & { epochs: number; trainImages: number; finalLoss: number; rejectThreshold: number };
}

/**
 * A small convolutional network (3 × [conv 3×3 → ReLU → max-pool 2×2] →
 * dense → ReLU → dense → softmax) trained with Adam on labelled pictures,
 * exported to ONNX with Conv/MaxPool/Gemm/Softmax. Big enough for a fixed
 * inspection station (one product, controlled light), small enough to train
 * on a CPU in minutes and infer in about a millisecond.
 */
export function trainImageClassifier(data: readonly LabelledImage[], opts: ImageClassifierOptions): TrainedImageModel {
  const okLabel = opts.okLabel ?? 'ok';
  const labels = opts.labels ?? [okLabel, ...[...new Set(data.map((d) => d.label))].filter((l) => l !== okLabel).sort()];
  if (!labels.includes(okLabel)) throw new TrainingError('TRAIN_INVALID_OPTION', `labels must include the good class "${okLabel}"`);
  if (data.length < 10) throw new TrainingError('TRAIN_INVALID_DATA', `need at least 10 labelled images, got ${data.length}`);
  for (const d of data) if (!labels.includes(d.label)) throw new TrainingError('TRAIN_INVALID_DATA', `image labelled "${d.label}", which is not one of ${labels.join(', ')}`);
  const input: ImageInput = { type: 'image', width: opts.width ?? 48, height: opts.height ?? 80, channels: 'rgb', layout: 'nchw', scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] };
  if (input.width % 8 !== 0 || input.height % 8 !== 0) throw new TrainingError('TRAIN_INVALID_OPTION', `width and height must be multiples of 8 (three 2×2 poolings), got ${input.width}×${input.height}`);
  const seed = opts.seed ?? 1;
  const rng = Prng.derive(seed, 'image-classifier');
  const net = new Network({ c: 3, h: input.height, w: input.width }, opts.channels ?? [8, 12, 16], opts.hidden ?? 32, labels.length, rng);

  const tensors = data.map((d) => ({ x: imageToTensor(d.image, input).data, y: labels.indexOf(d.label) }));
  const order = shuffle(tensors.map((_, i) => i), Prng.derive(seed, 'image-holdout'));
  const cut = Math.max(1, Math.round(tensors.length * (opts.holdoutShare ?? 0.2)));
  const holdout = order.slice(0, cut).map((i) => tensors[i]!);
  const train = order.slice(cut).map((i) => tensors[i]!);

  const epochs = opts.epochs ?? 8;
  const batchSize = opts.batchSize ?? 16;
  const lr0 = opts.learningRate ?? 0.002;
  const batches = Math.ceil(train.length / batchSize);
  let step = 0;
  let finalLoss = Number.NaN;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    shuffle(train, rng);
    // Cosine decay: big steps first, fine ones at the end.
    const lr = lr0 * (0.55 + 0.45 * Math.cos((Math.PI * (epoch - 1)) / Math.max(1, epochs)));
    let epochLoss = 0;
    for (let b = 0; b < batches; b++) {
      const batch = train.slice(b * batchSize, (b + 1) * batchSize);
      let loss = 0;
      for (const s of batch) loss += net.trainStep(s.x, s.y);
      adamStep(net.params, ++step, lr, batch.length);
      epochLoss += loss;
      opts.onProgress?.({ epoch, epochs, batch: b + 1, batches, loss: loss / batch.length });
    }
    finalLoss = epochLoss / train.length;
  }

  const ok = labels.indexOf(okLabel);
  const held = holdout.map((s) => ({ truth: s.y, probs: net.forward(s.x) }));
  const goodOk = held.filter((h) => h.truth === ok).map((h) => h.probs[ok]!);
  const threshold = opts.rejectThreshold ?? Math.min(0.95, goodOk.length ? Math.max(0.5, quantile(goodOk, 0.005)) : 0.5);
  const metrics = imageMetrics(held, labels, ok, threshold);
  const manifest = modelManifestSchema.parse({
    name: opts.name,
    description: `Bottle inspection CNN (${labels.join(', ')}), ${input.width}×${input.height} RGB input; reject when P(${okLabel}) < ${round(threshold)}`,
    input,
    outputs: [{ name: 'probabilities', kind: 'probabilities', labels, okLabel, threshold: round(threshold) }],
    severity: 'low',
    training: { kind: 'image-classifier', trainedAt: new Date().toISOString(), images: data.length, epochs, metrics },
  });
  const g = net.export(opts.name);
  g.metadata('fabrik.manifest', JSON.stringify(manifest));
  return {
    onnx: g.toBytes(manifest.description),
    manifest,
    metrics: { ...metrics, epochs, trainImages: train.length, finalLoss, rejectThreshold: threshold },
    predict: (image) => Float32Array.from(net.forward(imageToTensor(image, input).data)),
  };
}

/** Recall, false reject rate, accuracy and confusion counts of class probabilities against the truth. */
export function imageMetrics(results: readonly { truth: number; probs: Float32Array }[], labels: readonly string[], ok: number, threshold: number): ImageMetrics {
  const confusion: Record<string, Record<string, number>> = {};
  for (const t of labels) confusion[t] = Object.fromEntries(labels.map((p) => [p, 0]));
  let defects = 0;
  let caught = 0;
  let good = 0;
  let falseRejects = 0;
  let right = 0;
  for (const { truth, probs } of results) {
    const reject = probs[ok]! < threshold;
    let predicted = ok;
    if (reject) {
      predicted = -1;
      for (let c = 0; c < probs.length; c++) if (c !== ok && (predicted < 0 || probs[c]! > probs[predicted]!)) predicted = c;
    }
    const row = confusion[labels[truth]!]!;
    row[labels[predicted]!] = row[labels[predicted]!]! + 1;
    if (predicted === truth) right++;
    if (truth === ok) {
      good++;
      if (reject) falseRejects++;
    } else {
      defects++;
      if (reject) caught++;
    }
  }
  return {
    images: results.length,
    defects,
    recall: defects ? caught / defects : 1,
    falseRejectRate: good ? falseRejects / good : 0,
    accuracy: results.length ? right / results.length : 0,
    confusion,
  };
}

class Network {
  readonly params: Param[];
  readonly #convs: Conv3x3Relu[] = [];
  readonly #pools: MaxPool2[] = [];
  readonly #hidden: Dense;
  readonly #out: Dense;
  readonly #in: Shape;

  constructor(input: Shape, channels: [number, number, number], hidden: number, classes: number, rng: Prng) {
    this.#in = input;
    let shape = input;
    for (const c of channels) {
      const conv = new Conv3x3Relu(shape, c, rng, this.#convs.length > 0);
      const pool = new MaxPool2(conv.out);
      this.#convs.push(conv);
      this.#pools.push(pool);
      shape = pool.out;
    }
    this.#hidden = new Dense(shape.c * shape.h * shape.w, hidden, true, rng);
    this.#out = new Dense(hidden, classes, false, rng);
    this.params = [...this.#convs.flatMap((c) => [c.weight, c.bias]), this.#hidden.weight, this.#hidden.bias, this.#out.weight, this.#out.bias];
  }

  forward(x: Float32Array): Float32Array {
    let a = x;
    for (let i = 0; i < this.#convs.length; i++) a = this.#pools[i]!.forward(this.#convs[i]!.forward(a));
    return softmax(this.#out.forward(this.#hidden.forward(a)));
  }

  /** Forward and backward for one example; returns its cross-entropy loss. */
  trainStep(x: Float32Array, label: number): number {
    const probs = this.forward(x);
    const grad = Float32Array.from(probs);
    grad[label] = grad[label]! - 1;
    let g = this.#hidden.backward(this.#out.backward(grad));
    for (let i = this.#convs.length - 1; i >= 0; i--) g = this.#convs[i]!.backward(this.#pools[i]!.backward(g));
    // (the first conv returns an empty gradient: the image needs none)
    return -Math.log(Math.max(probs[label]!, 1e-12));
  }

  export(name: string): OnnxGraph {
    const g = new OnnxGraph(`${name}-cnn`);
    let a = g.input('image', [1, this.#in.c, this.#in.h, this.#in.w]);
    this.#convs.forEach((conv, i) => {
      const w = g.constant(`conv${i + 1}.weight`, [conv.out.c, conv.weight.value.length / (conv.out.c * 9), 3, 3], conv.weight.value);
      const b = g.constant(`conv${i + 1}.bias`, [conv.out.c], conv.bias.value);
      a = g.op('Conv', [a, w, b], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1] });
      a = g.op('Relu', [a]);
      a = g.op('MaxPool', [a], { kernel_shape: [2, 2], strides: [2, 2] });
    });
    a = g.op('Flatten', [a], { axis: 1 });
    const dense = (layer: Dense, label: string): void => {
      const w = g.constant(`${label}.weight`, [layer.outputs, layer.inputs], layer.weight.value);
      const b = g.constant(`${label}.bias`, [layer.outputs], layer.bias.value);
      a = g.op('Gemm', [a, w, b], { transB: 1 });
      if (layer.relu) a = g.op('Relu', [a]);
    };
    dense(this.#hidden, 'fc1');
    dense(this.#out, 'fc2');
    g.op('Softmax', [a], { axis: 1 }, 'probabilities');
    g.output('probabilities', [1, this.#out.outputs]);
    return g;
  }
}

function round(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}
