import type { Prng } from './prng.js';

/** What the camera sees on one bottle; every field is drawn from the image's own PRNG stream. */
export interface BottleScene {
  /** Horizontal centre and base line of the bottle, pixels. */
  cx: number;
  base: number;
  /** Lighting gain around 1. */
  gain: number;
  /** Fill height as a share of the bottle height (nominal ≈ 0.78). */
  fill: number;
  cap: boolean;
  capColour: readonly [number, number, number];
  liquid: readonly [number, number, number];
  /** Bright scratch lines on the glass: end points in pixels. */
  scratches: { x0: number; y0: number; x1: number; y1: number; width: number }[];
  /** Dark specks in the product. */
  specks: { x: number; y: number; r: number }[];
}

/** Bottle outline in pixels for an image of `width` × `height` (shared by the scene drawer and the renderer). */
export interface BottleGeometry {
  bodyHalf: number;
  neckHalf: number;
  capHalf: number;
  bodyTop: number;
  shoulderTop: number;
  neckTop: number;
  capTop: number;
  height: number;
  labelTop: number;
  labelBottom: number;
}

export function bottleGeometry(scene: Pick<BottleScene, 'base'>, width: number, height: number): BottleGeometry {
  const h = height * 0.84;
  const base = scene.base;
  return {
    bodyHalf: width * 0.27,
    neckHalf: width * 0.1,
    capHalf: width * 0.125,
    bodyTop: base - h * 0.62,
    shoulderTop: base - h * 0.78,
    neckTop: base - h * 0.93,
    capTop: base - h,
    height: h,
    labelTop: base - h * 0.42,
    labelBottom: base - h * 0.18,
  };
}

/** Half-width of the glass at row y (0 outside the bottle). */
export function halfWidthAt(g: BottleGeometry, y: number, base: number): number {
  if (y > base || y < g.neckTop) return 0;
  if (y >= g.bodyTop) return g.bodyHalf;
  if (y >= g.shoulderTop) {
    const t = (g.bodyTop - y) / (g.bodyTop - g.shoulderTop);
    return g.bodyHalf + (g.neckHalf - g.bodyHalf) * (t * t * (3 - 2 * t));
  }
  return g.neckHalf;
}

/**
 * Renders a bottle on a lit background as packed RGB (3 bytes a pixel, row
 * major). Pure function of the scene and the noise stream: the same seed
 * gives the same bytes.
 */
export function renderBottle(scene: BottleScene, width: number, height: number, noise: Prng): Uint8Array {
  const g = bottleGeometry(scene, width, height);
  const rgb = new Uint8Array(width * height * 3);
  const fillY = scene.base - scene.fill * g.height;
  for (let y = 0; y < height; y++) {
    const half = halfWidthAt(g, y + 0.5, scene.base);
    const bgRow = 70 + 40 * (y / height);
    for (let x = 0; x < width; x++) {
      const dx = x + 0.5 - scene.cx;
      let r = bgRow;
      let gr = bgRow + 4;
      let b = bgRow + 10;
      const inside = Math.abs(dx) < half;
      if (inside) {
        const edge = half - Math.abs(dx) < 1.5;
        // Glass lets most of the backlight through, with a cylindrical highlight.
        const shade = 1 - 0.35 * (dx / half) ** 2;
        r = 0.35 * r + 0.65 * 190 * shade;
        gr = 0.35 * gr + 0.65 * 215 * shade;
        b = 0.35 * b + 0.65 * 200 * shade;
        if (y + 0.5 >= fillY) {
          const meniscus = Math.abs(y + 0.5 - fillY) < 1.2;
          const k = meniscus ? 0.55 : 1;
          r = scene.liquid[0] * shade * k;
          gr = scene.liquid[1] * shade * k;
          b = scene.liquid[2] * shade * k;
        }
        if (y + 0.5 >= g.labelTop && y + 0.5 <= g.labelBottom) {
          const stripe = (y - Math.floor(g.labelTop)) % 7 < 2 && Math.abs(dx) < half * 0.6;
          const v = stripe ? 150 : 235;
          r = v * shade;
          gr = v * shade;
          b = (stripe ? 170 : 228) * shade;
        }
        if (edge) {
          r *= 0.55;
          gr *= 0.55;
          b *= 0.55;
        }
      } else if (scene.cap && y + 0.5 >= g.capTop && y + 0.5 < g.neckTop + 1 && Math.abs(dx) < g.capHalf) {
        const ridge = x % 3 === 0 ? 0.8 : 1;
        r = scene.capColour[0] * ridge;
        gr = scene.capColour[1] * ridge;
        b = scene.capColour[2] * ridge;
      }
      const i = (y * width + x) * 3;
      rgb[i] = clamp(r * scene.gain + noise.normal(0, 2.5));
      rgb[i + 1] = clamp(gr * scene.gain + noise.normal(0, 2.5));
      rgb[i + 2] = clamp(b * scene.gain + noise.normal(0, 2.5));
    }
  }
  for (const s of scene.scratches) drawLine(rgb, width, height, s, (x, y) => halfWidthAt(g, y, scene.base) - Math.abs(x - scene.cx) > 2 && (y < g.labelTop || y > g.labelBottom));
  for (const s of scene.specks) drawSpeck(rgb, width, height, s);
  return rgb;
}

function drawLine(rgb: Uint8Array, width: number, height: number, s: BottleScene['scratches'][number], onGlass: (x: number, y: number) => boolean): void {
  const len = Math.hypot(s.x1 - s.x0, s.y1 - s.y0);
  const steps = Math.ceil(len * 2);
  const nx = -(s.y1 - s.y0) / len;
  const ny = (s.x1 - s.x0) / len;
  for (let k = 0; k <= steps; k++) {
    const t = k / steps;
    for (let w = -s.width / 2; w <= s.width / 2; w += 0.5) {
      const x = Math.round(s.x0 + (s.x1 - s.x0) * t + nx * w);
      const y = Math.round(s.y0 + (s.y1 - s.y0) * t + ny * w);
      if (x < 0 || y < 0 || x >= width || y >= height || !onGlass(x + 0.5, y + 0.5)) continue;
      const i = (y * width + x) * 3;
      rgb[i] = clamp(rgb[i]! * 0.3 + 250 * 0.7);
      rgb[i + 1] = clamp(rgb[i + 1]! * 0.3 + 250 * 0.7);
      rgb[i + 2] = clamp(rgb[i + 2]! * 0.3 + 255 * 0.7);
    }
  }
}

function drawSpeck(rgb: Uint8Array, width: number, height: number, s: BottleScene['specks'][number]): void {
  for (let y = Math.floor(s.y - s.r); y <= Math.ceil(s.y + s.r); y++) {
    for (let x = Math.floor(s.x - s.r); x <= Math.ceil(s.x + s.r); x++) {
      if (x < 0 || y < 0 || x >= width || y >= height) continue;
      if ((x + 0.5 - s.x) ** 2 + (y + 0.5 - s.y) ** 2 > s.r * s.r) continue;
      const i = (y * width + x) * 3;
      rgb[i] = 28;
      rgb[i + 1] = 24;
      rgb[i + 2] = 20;
    }
  }
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}
