import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type AttributeProto = onnxProto.onnx.IAttributeProto;
type NodeProto = onnxProto.onnx.INodeProto;
type TensorProto = onnxProto.onnx.ITensorProto;
type ValueInfoProto = onnxProto.onnx.IValueInfoProto;

/** An attribute value: numbers and arrays of them are ints unless wrapped with `floats()`/`float()`. */
export type AttributeValue = number | string | number[] | string[] | FloatsAttr | FloatAttr;
interface FloatsAttr {
  floats: number[];
}
interface FloatAttr {
  float: number;
}

export const floats = (values: ArrayLike<number>): FloatsAttr => ({ floats: Array.from(values) });
export const float = (value: number): FloatAttr => ({ float: value });

/** A dimension: a fixed size or a symbolic name ("N" for the batch). */
export type Dim = number | string;

const AT = onnx.AttributeProto.AttributeType;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

/**
 * Builds an ONNX model (opset 17, plus ai.onnx.ml for tree ensembles) node by
 * node. Our trainers export through it; onnxruntime reads the result like any
 * model exported from PyTorch or scikit-learn.
 */
export class OnnxGraph {
  readonly #nodes: NodeProto[] = [];
  readonly #initializers: TensorProto[] = [];
  readonly #inputs: ValueInfoProto[] = [];
  readonly #outputs: ValueInfoProto[] = [];
  readonly #metadata = new Map<string, string>();
  readonly #name: string;
  #usesMl = false;
  #counter = 0;

  constructor(name: string) {
    this.#name = name;
  }

  input(name: string, dims: Dim[]): string {
    this.#inputs.push(valueInfo(name, dims));
    return name;
  }

  output(name: string, dims: Dim[]): void {
    this.#outputs.push(valueInfo(name, dims));
  }

  /** A float32 constant. */
  constant(name: string, dims: number[], values: ArrayLike<number>): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (values.length !== size) throw new RangeError(`initializer ${name}: ${values.length} values for dims [${dims.join(', ')}]`);
    const raw = new Float32Array(Array.from(values));
    this.#initializers.push({ name, dims, dataType: FLOAT, rawData: new Uint8Array(raw.buffer) });
    return name;
  }

  /** An int64 constant (shapes, axes). */
  int64s(name: string, values: number[]): string {
    this.#initializers.push({ name, dims: [values.length], dataType: INT64, int64Data: values });
    return name;
  }

  /** Adds a node; returns its output names (one fresh name each unless given). */
  node(opType: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, outputs: string[] | number = 1, domain = ''): string[] {
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, () => `${opType.toLowerCase()}_${this.#counter++}`) : outputs;
    if (domain === 'ai.onnx.ml') this.#usesMl = true;
    this.#nodes.push({
      opType,
      domain,
      name: `${opType}_${this.#nodes.length}`,
      input: inputs,
      output: outs,
      attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
    });
    return outs;
  }

  /** One-output node: its output name. */
  op(opType: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, output?: string): string {
    return this.node(opType, inputs, attributes, output ? [output] : 1)[0]!;
  }

  metadata(key: string, value: string): void {
    this.#metadata.set(key, value);
  }

  toBytes(docString = ''): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }, ...(this.#usesMl ? [{ domain: 'ai.onnx.ml', version: 3 }] : [])],
      producerName: 'fabrik',
      producerVersion: '0.1.0',
      docString,
      graph: { name: this.#name, node: this.#nodes, initializer: this.#initializers, input: this.#inputs, output: this.#outputs },
      metadataProps: [...this.#metadata].map(([key, value]) => ({ key, value })),
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(name: string, dims: Dim[]): ValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  };
}

function attribute(name: string, v: AttributeValue): AttributeProto {
  const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
  if (typeof v === 'string') return { name, type: AT.STRING, s: utf8(v) };
  if (typeof v === 'number') return { name, type: AT.INT, i: v };
  if (Array.isArray(v)) {
    if (v.length > 0 && typeof v[0] === 'string') return { name, type: AT.STRINGS, strings: (v as string[]).map(utf8) };
    return { name, type: AT.INTS, ints: v as number[] };
  }
  if ('floats' in v) return { name, type: AT.FLOATS, floats: v.floats };
  return { name, type: AT.FLOAT, f: v.float };
}
