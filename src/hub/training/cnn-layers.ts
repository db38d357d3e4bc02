import type { Prng } from '../../sim/index.js';

/** A trainable tensor: values, accumulated gradient and Adam's moments. */
export class Param {
  readonly value: Float32Array;
  readonly grad: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
  constructor(size: number) {
    this.value = new Float32Array(size);
    this.grad = new Float32Array(size);
    this.m = new Float32Array(size);
    this.v = new Float32Array(size);
  }
}

/** Feature map shape: channels × height × width, stored channel-major (NCHW without N). */
export interface Shape {
  c: number;
  h: number;
  w: number;
}

/**
 * 3×3 convolution, stride 1, zero padding 1, fused with ReLU (ONNX: Conv then
 * Relu). Loops run over whole clipped rows so V8 keeps them tight.
 */
export class Conv3x3Relu {
  readonly weight: Param;
  readonly bias: Param;
  readonly out: Shape;
  readonly #in: Shape;
  #input: Float32Array = new Float32Array(0);
  #output: Float32Array;

  /** False for the first layer: nothing needs the gradient of the image, which saves a third of its backward pass. */
  readonly needsInputGrad: boolean;

  constructor(input: Shape, outChannels: number, rng: Prng, needsInputGrad = true) {
    this.#in = input;
    this.needsInputGrad = needsInputGrad;
    this.out = { c: outChannels, h: input.h, w: input.w };
    this.weight = new Param(outChannels * input.c * 9);
    this.bias = new Param(outChannels);
    const he = Math.sqrt(2 / (input.c * 9));
    for (let i = 0; i < this.weight.value.length; i++) this.weight.value[i] = rng.normal(0, he);
    this.#output = new Float32Array(outChannels * input.h * input.w);
  }

  forward(input: Float32Array): Float32Array {
    this.#input = input;
    const { c: cin, h, w } = this.#in;
    const out = this.#output;
    const plane = h * w;
    const wt = this.weight.value;
    for (let co = 0; co < this.out.c; co++) {
      const o0 = co * plane;
      out.fill(this.bias.value[co]!, o0, o0 + plane);
      for (let ci = 0; ci < cin; ci++) {
        const i0 = ci * plane;
        for (let ky = 0; ky < 3; ky++) {
          const y0 = Math.max(0, 1 - ky);
          const y1 = Math.min(h, h + 1 - ky);
          for (let kx = 0; kx < 3; kx++) {
            const k = wt[((co * cin + ci) * 3 + ky) * 3 + kx]!;
            const x0 = Math.max(0, 1 - kx);
            const x1 = Math.min(w, w + 1 - kx);
            for (let y = y0; y < y1; y++) {
              const orow = o0 + y * w;
              const irow = i0 + (y + ky - 1) * w + kx - 1;
              for (let x = x0; x < x1; x++) out[orow + x] = out[orow + x]! + k * input[irow + x]!;
            }
          }
        }
      }
    }
    for (let i = 0; i < out.length; i++) if (out[i]! < 0) out[i] = 0;
    return out;
  }

  /** Accumulates parameter gradients; returns the gradient of the input. */
  backward(gradOut: Float32Array): Float32Array {
    const { c: cin, h, w } = this.#in;
    const plane = h * w;
    const out = this.#output;
    const input = this.#input;
    const g = Float32Array.from(gradOut);
    for (let i = 0; i < g.length; i++) if (out[i]! <= 0) g[i] = 0;
    const gin = new Float32Array(this.needsInputGrad ? cin * plane : 0);
    const wt = this.weight.value;
    const gw = this.weight.grad;
    for (let co = 0; co < this.out.c; co++) {
      const o0 = co * plane;
      let gb = 0;
      for (let i = o0; i < o0 + plane; i++) gb += g[i]!;
      this.bias.grad[co] = this.bias.grad[co]! + gb;
      for (let ci = 0; ci < cin; ci++) {
        const i0 = ci * plane;
        for (let ky = 0; ky < 3; ky++) {
          const y0 = Math.max(0, 1 - ky);
          const y1 = Math.min(h, h + 1 - ky);
          for (let kx = 0; kx < 3; kx++) {
            const wi = ((co * cin + ci) * 3 + ky) * 3 + kx;
            const k = wt[wi]!;
            const x0 = Math.max(0, 1 - kx);
            const x1 = Math.min(w, w + 1 - kx);
            let acc = 0;
            for (let y = y0; y < y1; y++) {
              const orow = o0 + y * w;
              const irow = i0 + (y + ky - 1) * w + kx - 1;
              for (let x = x0; x < x1; x++) acc += g[orow + x]! * input[irow + x]!;
              if (this.needsInputGrad) for (let x = x0; x < x1; x++) gin[irow + x] = gin[irow + x]! + g[orow + x]! * k;
            }
            gw[wi] = gw[wi]! + acc;
          }
        }
      }
    }
    return gin;
  }
}

/** 2×2 max pooling, stride 2 (floor on odd sizes, as ONNX MaxPool does by default). */
export class MaxPool2 {
  readonly out: Shape;
  readonly #in: Shape;
  #argmax: Int32Array;
  #output: Float32Array;

  constructor(input: Shape) {
    this.#in = input;
    this.out = { c: input.c, h: Math.floor(input.h / 2), w: Math.floor(input.w / 2) };
    this.#argmax = new Int32Array(this.out.c * this.out.h * this.out.w);
    this.#output = new Float32Array(this.#argmax.length);
  }

  forward(input: Float32Array): Float32Array {
    const { h, w } = this.#in;
    const { c, h: oh, w: ow } = this.out;
    for (let ch = 0; ch < c; ch++) {
      for (let y = 0; y < oh; y++) {
        for (let x = 0; x < ow; x++) {
          const a = ch * h * w + 2 * y * w + 2 * x;
          let best = a;
          if (input[a + 1]! > input[best]!) best = a + 1;
          if (input[a + w]! > input[best]!) best = a + w;
          if (input[a + w + 1]! > input[best]!) best = a + w + 1;
          const o = (ch * oh + y) * ow + x;
          this.#argmax[o] = best;
          this.#output[o] = input[best]!;
        }
      }
    }
    return this.#output;
  }

  backward(gradOut: Float32Array): Float32Array {
    const gin = new Float32Array(this.#in.c * this.#in.h * this.#in.w);
    for (let o = 0; o < gradOut.length; o++) gin[this.#argmax[o]!] = gin[this.#argmax[o]!]! + gradOut[o]!;
    return gin;
  }
}

/** Fully connected layer y = W·x + b (W is outputs × inputs, ONNX Gemm with transB = 1), optionally with ReLU. */
export class Dense {
  readonly weight: Param;
  readonly bias: Param;
  readonly inputs: number;
  readonly outputs: number;
  readonly relu: boolean;
  #input: Float32Array = new Float32Array(0);
  #output: Float32Array;

  constructor(inputs: number, outputs: number, relu: boolean, rng: Prng) {
    this.inputs = inputs;
    this.outputs = outputs;
    this.relu = relu;
    this.weight = new Param(inputs * outputs);
    this.bias = new Param(outputs);
    const scale = Math.sqrt((relu ? 2 : 1) / inputs);
    for (let i = 0; i < this.weight.value.length; i++) this.weight.value[i] = rng.normal(0, scale);
    this.#output = new Float32Array(outputs);
  }

  forward(input: Float32Array): Float32Array {
    this.#input = input;
    const wt = this.weight.value;
    for (let o = 0; o < this.outputs; o++) {
      let s = this.bias.value[o]!;
      const row = o * this.inputs;
      for (let i = 0; i < this.inputs; i++) s += wt[row + i]! * input[i]!;
      this.#output[o] = this.relu && s < 0 ? 0 : s;
    }
    return this.#output;
  }

  backward(gradOut: Float32Array): Float32Array {
    const gin = new Float32Array(this.inputs);
    const wt = this.weight.value;
    const gw = this.weight.grad;
    for (let o = 0; o < this.outputs; o++) {
      const go = this.relu && this.#output[o]! <= 0 ? 0 : gradOut[o]!;
      if (go === 0) continue;
      this.bias.grad[o] = this.bias.grad[o]! + go;
      const row = o * this.inputs;
      for (let i = 0; i < this.inputs; i++) {
        gw[row + i] = gw[row + i]! + go * this.#input[i]!;
        gin[i] = gin[i]! + go * wt[row + i]!;
      }
    }
    return gin;
  }
}

/** Softmax of logits, numerically stable. */
export function softmax(logits: Float32Array): Float32Array {
  let max = -Infinity;
  for (const v of logits) if (v > max) max = v;
  const out = new Float32Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += out[i] = Math.exp(logits[i]! - max);
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / sum;
  return out;
}

/** One Adam step over the accumulated gradients (averaged over `batch`), then clears them. */
export function adamStep(params: Param[], step: number, lr: number, batch: number, beta1 = 0.9, beta2 = 0.999, eps = 1e-8): void {
  const c1 = 1 - beta1 ** step;
  const c2 = 1 - beta2 ** step;
  for (const p of params) {
    for (let i = 0; i < p.value.length; i++) {
      const g = p.grad[i]! / batch;
      p.m[i] = beta1 * p.m[i]! + (1 - beta1) * g;
      p.v[i] = beta2 * p.v[i]! + (1 - beta2) * g * g;
      p.value[i] = p.value[i]! - (lr * (p.m[i]! / c1)) / (Math.sqrt(p.v[i]! / c2) + eps);
    }
    p.grad.fill(0);
  }
}
