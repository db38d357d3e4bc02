import { bottleGeometry, halfWidthAt, renderBottle, type BottleScene } from './camera-render.js';
import { SimError } from './errors.js';
import { Prng } from './prng.js';

/** What a simulated bottle really is: good, or one of the defects an inspection must find. */
export const BOTTLE_LABELS = ['ok', 'scratch', 'missing_cap', 'underfill', 'contamination'] as const;
export type BottleLabel = (typeof BOTTLE_LABELS)[number];
export const BOTTLE_DEFECTS = BOTTLE_LABELS.filter((l) => l !== 'ok') as Exclude<BottleLabel, 'ok'>[];

/** Options of a simulated inspection camera. */
export interface BottleCameraOptions {
  /** Seed of every image; image n of a seed is always the same picture. */
  seed: number;
  /** Image size in pixels. Default 128 × 224. */
  width?: number;
  height?: number;
  /** Share of bottles with a defect, 0..1. Default 0.05. */
  defectRate?: number;
  /** Prefix of part ids ("bottle-000123"). */
  partPrefix?: string;
}

/** One picture as the vision system hands it over: packed RGB plus the truth the simulator knows. */
export interface BottleImage {
  seq: number;
  partId: string;
  width: number;
  height: number;
  /** Packed RGB, 3 bytes a pixel, row major. */
  rgb: Uint8Array;
  label: BottleLabel;
  /** Fill height as a share of the bottle height (nominal 0.78). */
  fill: number;
}

const CAP_COLOURS: readonly (readonly [number, number, number])[] = [
  [185, 35, 35],
  [30, 70, 170],
  [40, 140, 60],
];

/**
 * A simulated inspection camera over a bottling line: renders bottle images
 * with and without defects (scratch, missing cap, under-fill, contamination),
 * labelled, deterministic under a seed.
 */
export class BottleCamera {
  readonly seed: number;
  readonly width: number;
  readonly height: number;
  readonly defectRate: number;
  readonly partPrefix: string;
  #next = 0;

  constructor(options: BottleCameraOptions) {
    const { seed, width = 128, height = 224, defectRate = 0.05 } = options;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 32 || height < 48 || width > 2048 || height > 2048) {
      throw new SimError('SIM_INVALID_OPTION', `camera size must be whole pixels from 32×48 to 2048×2048, got ${width}×${height}`);
    }
    if (!(defectRate >= 0 && defectRate <= 1)) throw new SimError('SIM_INVALID_OPTION', `defectRate must be between 0 and 1, got ${defectRate}`);
    this.seed = seed;
    this.width = width;
    this.height = height;
    this.defectRate = defectRate;
    this.partPrefix = options.partPrefix ?? 'bottle';
  }

  /** The next bottle on the conveyor. */
  capture(): BottleImage {
    return this.image(this.#next++);
  }

  /** Image `seq` of this camera's seed: its label is drawn with `defectRate`, or forced with `label`. */
  image(seq: number, label?: BottleLabel): BottleImage {
    const rng = Prng.derive(this.seed, `camera.image.${seq}`);
    const drawn: BottleLabel = label ?? (rng.chance(this.defectRate) ? BOTTLE_DEFECTS[Math.floor(rng.next() * BOTTLE_DEFECTS.length)]! : 'ok');
    const scene = this.#scene(rng, drawn);
    const rgb = renderBottle(scene, this.width, this.height, Prng.derive(this.seed, `camera.noise.${seq}`));
    return { seq, partId: `${this.partPrefix}-${String(seq).padStart(6, '0')}`, width: this.width, height: this.height, rgb, label: drawn, fill: scene.fill };
  }

  #scene(rng: Prng, label: BottleLabel): BottleScene {
    const w = this.width;
    const h = this.height;
    const cx = w / 2 + rng.uniform(-0.05, 0.05) * w;
    const base = h - h * 0.04 + rng.uniform(-0.02, 0.015) * h;
    const tint = rng.uniform(-15, 15);
    const scene: BottleScene = {
      cx,
      base,
      gain: rng.uniform(0.85, 1.15),
      fill: label === 'underfill' ? rng.uniform(0.5, 0.66) : rng.normal(0.78, 0.008),
      cap: label !== 'missing_cap',
      capColour: CAP_COLOURS[Math.floor(rng.next() * CAP_COLOURS.length)]!,
      liquid: [195 + tint, 125 + tint / 2, 45],
      scratches: [],
      specks: [],
    };
    const g = bottleGeometry(scene, w, h);
    if (label === 'scratch') {
      // Scratches on bare glass, above or below the label (on the label they would not show).
      const n = 1 + Math.floor(rng.next() * 2);
      for (let i = 0; i < n; i++) {
        const [top, bottom] = rng.chance(0.5) ? [g.bodyTop + 3, g.labelTop - 3] : [g.labelBottom + 3, base - 4];
        const x0 = cx + rng.uniform(-0.6, 0.6) * g.bodyHalf;
        const y0 = rng.uniform(top, bottom);
        const angle = rng.uniform(0, Math.PI);
        let len = rng.uniform(0.1, 0.2) * h;
        const dy = Math.sin(angle) * (rng.chance(0.5) ? 1 : -1);
        const room = dy > 0 ? bottom - y0 : y0 - top;
        if (Math.abs(dy) * len > room) len = Math.max(room / Math.abs(dy), 0.06 * h);
        scene.scratches.push({ x0, y0, x1: x0 + Math.cos(angle) * len, y1: y0 + dy * len, width: rng.uniform(2, 3) * (w / 128) });
      }
    }
    if (label === 'contamination') {
      const n = 1 + Math.floor(rng.next() * 3);
      const fillY = base - scene.fill * g.height;
      for (let i = 0; i < n; i++) {
        // Particles float anywhere in the product, label band excepted (the label hides them).
        let y = rng.uniform(fillY + 4, base - 4);
        if (y > g.labelTop - 3 && y < g.labelBottom + 3) y = rng.chance(0.5) ? rng.uniform(fillY + 4, g.labelTop - 4) : rng.uniform(g.labelBottom + 4, base - 4);
        // Inside the glass at that height (the shoulder narrows), clear of its dark edge.
        scene.specks.push({ x: cx + rng.uniform(-0.65, 0.65) * halfWidthAt(g, y, base), y, r: rng.uniform(2.6, 3.8) * (w / 128) });
      }
    }
    return scene;
  }
}

/** `count` labelled images of one seed; `defectShare` of them defective, spread evenly over the defect classes. */
export function bottleDataset(options: BottleCameraOptions & { count: number; defectShare?: number; from?: number }): BottleImage[] {
  const camera = new BottleCamera(options);
  const share = options.defectShare ?? 0.5;
  const out: BottleImage[] = [];
  const from = options.from ?? 0;
  for (let i = 0; i < options.count; i++) {
    const seq = from + i;
    // Spread the defects evenly (like Bresenham's line), cycling through the classes.
    const k = Math.floor(i * share);
    const defective = Math.floor((i + 1) * share) > k;
    out.push(camera.image(seq, defective ? BOTTLE_DEFECTS[k % BOTTLE_DEFECTS.length]! : 'ok'));
  }
  return out;
}
