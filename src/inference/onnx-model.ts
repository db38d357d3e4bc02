import { createHash } from 'node:crypto';
import type onnxProto from 'onnx-proto';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { z } from 'zod';
import { errorMessage, InferenceError } from './errors.js';
import { modelManifestSchema, type ModelManifest } from './model-manifest.js';

type Ort = typeof import('onnxruntime-node');
let runtime: Promise<Ort> | null = null;
/** onnxruntime's native binding loads on first use, so reading a config or a CLI command does not pay for it. */
function onnxRuntime(): Promise<Ort> {
  runtime ??= import('onnxruntime-node').then((m) => ((m as { default?: Ort }).default ?? m) as Ort);
  return runtime;
}

type OnnxProto = typeof onnxProto;
let protos: Promise<OnnxProto['onnx']> | null = null;
/** The ONNX protobuf classes, loaded on first registration (a large generated module). */
function onnxProtos(): Promise<OnnxProto['onnx']> {
  protos ??= import('onnx-proto').then((m) => ((m as { default?: OnnxProto }).default ?? (m as unknown as OnnxProto)).onnx);
  return protos;
}

/** One run's outputs by name, flattened to float32. */
export type ModelOutputs = Record<string, Float32Array>;

/**
 * A validated ONNX model ready to run: the manifest agrees with the graph's
 * input shape and output names, and a dry run on a neutral input worked.
 */
export interface OnnxModel {
  readonly manifest: ModelManifest;
  readonly sha256: string;
  readonly bytes: number;
  readonly inputName: string;
  /** The input dims fed on each run (batch 1). */
  readonly inputDims: number[];
  /** Runs once; rejects with MODEL_RUN_FAILED if onnxruntime throws. */
  run(data: Float32Array): Promise<ModelOutputs>;
  close(): Promise<void>;
}

export interface LoadModelOptions {
  /** The manifest; default: the one embedded in the model (metadata "fabrik.manifest"). */
  manifest?: unknown;
  maxBytes?: number;
  /** ORT threads for one run. Default 1: a node runs many small models side by side. */
  threads?: number;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Validates and loads an ONNX model. Rejects, with a message that says what
 * to fix: bytes that are not an ONNX model, a missing or invalid manifest, an
 * input whose shape or type does not match the manifest, outputs the
 * manifest names but the graph lacks, and a model that throws on a dry run.
 */
export async function loadOnnxModel(bytes: Uint8Array, opts: LoadModelOptions = {}): Promise<OnnxModel> {
  const maxBytes = opts.maxBytes ?? 256 * 1024 * 1024;
  if (bytes.length > maxBytes) throw new InferenceError('MODEL_TOO_LARGE', `the model is ${bytes.length} bytes, more than the ${maxBytes} allowed (inference.maxModelBytes)`);
  const proto = decodeModel(await onnxProtos(), bytes);
  const manifest = parseManifest(opts.manifest ?? embeddedManifest(proto));
  const ort = await onnxRuntime();
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: opts.threads ?? 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  } catch (cause) {
    throw new InferenceError('MODEL_NOT_ONNX', `onnxruntime cannot load the model: ${firstLine(errorMessage(cause))}; check it opens in onnxruntime 1.30 (opset ≤ 23)`, { cause });
  }
  try {
    const inputName = manifest.input.name ?? session.inputNames[0];
    if (!inputName || !session.inputNames.includes(inputName)) {
      throw new InferenceError('MODEL_SHAPE_MISMATCH', `the manifest feeds input "${inputName}", but the model's inputs are ${session.inputNames.map((n) => `"${n}"`).join(', ')}`);
    }
    if (session.inputNames.length > 1) {
      throw new InferenceError('MODEL_SHAPE_MISMATCH', `the model has ${session.inputNames.length} inputs (${session.inputNames.join(', ')}); Fabrik feeds one tensor, so export the model with a single input`);
    }
    const meta = session.inputMetadata.find((m) => m.name === inputName);
    const inputDims = checkInputShape(manifest, meta);
    for (const o of manifest.outputs) {
      if (!session.outputNames.includes(o.name)) {
        throw new InferenceError('MODEL_OUTPUT_MISSING', `the manifest reads output "${o.name}", but the model's outputs are ${session.outputNames.map((n) => `"${n}"`).join(', ')}`);
      }
    }
    const model = createModel(ort, session, manifest, inputName, inputDims, bytes);
    const dry = await model.run(new Float32Array(inputDims.reduce((a, b) => a * b, 1)));
    checkOutputSizes(manifest, dry);
    return model;
  } catch (err) {
    await session.release().catch(() => undefined);
    throw err;
  }
}

function createModel(ort: Ort, session: InferenceSession, manifest: ModelManifest, inputName: string, inputDims: number[], bytes: Uint8Array): OnnxModel {
  const names = manifest.outputs.map((o) => o.name);
  let closed = false;
  return {
    manifest,
    sha256: sha256Hex(bytes),
    bytes: bytes.length,
    inputName,
    inputDims,
    async run(data) {
      if (closed) throw new InferenceError('MODEL_RUN_FAILED', `model "${manifest.name}" was unloaded (a newer version replaced it)`);
      let result: InferenceSession.OnnxValueMapType;
      try {
        result = await session.run({ [inputName]: new ort.Tensor('float32', data, inputDims) }, names);
      } catch (cause) {
        throw new InferenceError('MODEL_RUN_FAILED', `model "${manifest.name}" failed to run: ${firstLine(errorMessage(cause))}`, { cause });
      }
      const out: ModelOutputs = {};
      for (const name of names) {
        const t = result[name] as Tensor | undefined;
        if (!t) throw new InferenceError('MODEL_OUTPUT_MISSING', `model "${manifest.name}" returned no output "${name}"`);
        const d = t.data;
        out[name] = d instanceof Float32Array ? d : Float32Array.from(d as ArrayLike<number>, Number);
      }
      return out;
    },
    async close() {
      if (closed) return;
      closed = true;
      await session.release();
    },
  };
}

function decodeModel(onnx: OnnxProto['onnx'], bytes: Uint8Array): onnxProto.onnx.ModelProto {
  let proto: onnxProto.onnx.ModelProto;
  try {
    proto = onnx.ModelProto.decode(bytes);
  } catch (cause) {
    throw new InferenceError('MODEL_NOT_ONNX', `the file is not an ONNX model (protobuf decoding failed: ${errorMessage(cause)}); export it with torch.onnx.export, skl2onnx or "fabrik train"`, { cause });
  }
  const graph = proto.graph;
  if (!graph || !graph.node?.length || !graph.input?.length || !graph.output?.length || !proto.opsetImport?.length) {
    throw new InferenceError('MODEL_NOT_ONNX', 'the file is not an ONNX model (it has no graph with nodes, inputs, outputs and an opset); export it with torch.onnx.export, skl2onnx or "fabrik train"');
  }
  return proto;
}

function embeddedManifest(proto: onnxProto.onnx.ModelProto): unknown {
  const entry = proto.metadataProps?.find((p) => p.key === 'fabrik.manifest');
  if (!entry?.value) throw new InferenceError('MODEL_MANIFEST_MISSING', 'the model carries no manifest; send one with it (inputs: which tags or image; outputs: how to read them) — see "AI at the edge" in the README');
  try {
    return JSON.parse(entry.value) as unknown;
  } catch (cause) {
    throw new InferenceError('MODEL_MANIFEST_INVALID', `the manifest embedded in the model is not JSON: ${errorMessage(cause)}`, { cause });
  }
}

export function parseManifest(doc: unknown): ModelManifest {
  const parsed = modelManifestSchema.safeParse(doc);
  if (parsed.success) return parsed.data;
  throw new InferenceError('MODEL_MANIFEST_INVALID', `the manifest is invalid: ${issues(parsed.error)}`);
}

function issues(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

/** The dims the manifest will feed; throws MODEL_SHAPE_MISMATCH where the model's declared shape disagrees. */
function checkInputShape(manifest: ModelManifest, meta: InferenceSession.ValueMetadata | undefined): number[] {
  const input = manifest.input;
  const want =
    input.type === 'tags'
      ? input.length === 1
        ? [1, input.tags.length]
        : [1, input.length, input.tags.length]
      : input.layout === 'nchw'
        ? [1, input.channels === 'gray' ? 1 : 3, input.height, input.width]
        : [1, input.height, input.width, input.channels === 'gray' ? 1 : 3];
  const what = input.type === 'tags' ? `${input.tags.length} tag(s) × ${input.length} row(s)` : `${input.width}×${input.height} ${input.channels} ${input.layout.toUpperCase()} images`;
  if (!meta || !meta.isTensor) throw new InferenceError('MODEL_SHAPE_MISMATCH', 'the model input is not a tensor; Fabrik feeds float32 tensors');
  if (meta.type !== 'float32') throw new InferenceError('MODEL_SHAPE_MISMATCH', `the model input "${meta.name}" is ${meta.type}; Fabrik feeds float32 tensors, so export the model with a float input`);
  const shape = meta.shape;
  const show = (dims: readonly (number | string)[]): string => `[${dims.map((d) => (typeof d === 'number' && d < 0 ? '?' : d)).join(', ')}]`;
  if (shape.length !== want.length) {
    throw new InferenceError('MODEL_SHAPE_MISMATCH', `the model input "${meta.name}" has shape ${show(shape)}, but the manifest feeds ${show(want)} (${what})`);
  }
  shape.forEach((d, i) => {
    if (typeof d === 'number' && d > 0 && d !== want[i]) {
      throw new InferenceError('MODEL_SHAPE_MISMATCH', `the model input "${meta.name}" has shape ${show(shape)}, but the manifest feeds ${show(want)} (${what}); fix the manifest or re-export the model`);
    }
  });
  return want;
}

function checkOutputSizes(manifest: ModelManifest, outputs: ModelOutputs): void {
  for (const o of manifest.outputs) {
    const n = outputs[o.name]!.length;
    const need = o.kind === 'probabilities' ? o.labels!.length : o.kind === 'contributions' && manifest.input.type === 'tags' ? manifest.input.tags.length : 1;
    const ok = o.kind === 'score' || o.kind === 'label' ? n >= 1 : n === need;
    if (!ok) throw new InferenceError('MODEL_SHAPE_MISMATCH', `output "${o.name}" (${o.kind}) has ${n} value(s) per run, expected ${o.kind === 'score' || o.kind === 'label' ? 'at least 1' : need}`);
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.slice(0, 500);
}
