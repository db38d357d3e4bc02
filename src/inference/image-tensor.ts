import type { ImageInput } from './model-manifest.js';

/** A decoded picture: packed RGB, 3 bytes a pixel, row major. */
export interface RgbImage {
  width: number;
  height: number;
  rgb: Uint8Array;
}

/**
 * Resizes with an area (box) filter: each output pixel is the mean of the
 * source area it covers, so thin defects (a 2 px scratch) survive a
 * down-scale instead of falling between sampled pixels. Separable: rows,
 * then columns.
 */
export function resizeRgb(src: RgbImage, width: number, height: number): Float32Array {
  const horizontal = boxWeights(src.width, width);
  const vertical = boxWeights(src.height, height);
  const tmp = new Float32Array(src.height * width * 3);
  for (let y = 0; y < src.height; y++) {
    const row = y * src.width * 3;
    for (let x = 0; x < width; x++) {
      const { from, weights } = horizontal[x]!;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < weights.length; k++) {
        const i = row + (from + k) * 3;
        const w = weights[k]!;
        r += src.rgb[i]! * w;
        g += src.rgb[i + 1]! * w;
        b += src.rgb[i + 2]! * w;
      }
      const o = (y * width + x) * 3;
      tmp[o] = r;
      tmp[o + 1] = g;
      tmp[o + 2] = b;
    }
  }
  const out = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const { from, weights } = vertical[y]!;
    for (let x = 0; x < width * 3; x++) {
      let s = 0;
      for (let k = 0; k < weights.length; k++) s += tmp[(from + k) * width * 3 + x]! * weights[k]!;
      out[y * width * 3 + x] = s;
    }
  }
  return out;
}

function boxWeights(inSize: number, outSize: number): { from: number; weights: Float32Array }[] {
  const scale = inSize / outSize;
  const out: { from: number; weights: Float32Array }[] = [];
  for (let o = 0; o < outSize; o++) {
    let a = o * scale;
    let b = (o + 1) * scale;
    if (scale < 1) {
      // Up-scaling: a one-pixel box centred on the sample point (nearest-ish, no ringing).
      const c = (o + 0.5) * scale;
      a = Math.max(0, c - 0.5);
      b = Math.min(inSize, c + 0.5);
    }
    const from = Math.floor(a);
    const to = Math.min(inSize, Math.ceil(b));
    const weights = new Float32Array(to - from);
    for (let i = from; i < to; i++) weights[i - from] = Math.min(b, i + 1) - Math.max(a, i);
    const total = weights.reduce((s, w) => s + w, 0);
    for (let i = 0; i < weights.length; i++) weights[i] = weights[i]! / total;
    out.push({ from, weights });
  }
  return out;
}

/** The model's input tensor for an image, as its manifest describes: size, channel order, layout and normalisation. */
export function imageToTensor(image: RgbImage, input: ImageInput): { data: Float32Array; dims: number[] } {
  const { width: w, height: h } = input;
  const pixels = image.width === w && image.height === h ? Float32Array.from(image.rgb) : resizeRgb(image, w, h);
  const channels = input.channels === 'gray' ? 1 : 3;
  const order = input.channels === 'bgr' ? [2, 1, 0] : [0, 1, 2];
  const mean = input.mean ?? new Array<number>(channels).fill(0);
  const std = input.std ?? new Array<number>(channels).fill(1);
  const data = new Float32Array(channels * w * h);
  const plane = w * h;
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < channels; c++) {
      const raw = channels === 1 ? 0.299 * pixels[p * 3]! + 0.587 * pixels[p * 3 + 1]! + 0.114 * pixels[p * 3 + 2]! : pixels[p * 3 + order[c]!]!;
      const v = (raw * input.scale - mean[c]!) / std[c]!;
      data[input.layout === 'nchw' ? c * plane + p : p * channels + c] = v;
    }
  }
  return { data, dims: input.layout === 'nchw' ? [1, channels, h, w] : [1, h, w, channels] };
}
