import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { afterAll, describe, expect, it } from 'vitest';
import { TagRegistry, type FabrikEvent, type SampleBatch } from '../core/index.js';
import { OnnxGraph } from '../hub/training/index.js';
import { BottleCamera, BOTTLE_LABELS, encodeRgbPng } from '../sim/index.js';
import { partIdOf } from './camera-feed.js';
import { CameraStation } from './camera-station.js';
import { FolderWatch } from './folder-watch.js';
import { cameraSchema, decodeImage, InferenceError, loadOnnxModel } from './index.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
const LIMITS = { maxBytes: 1_000_000, maxPixels: 1_000_000 };

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InferenceError);
    return (err as InferenceError).code;
  }
  return 'no error';
}

describe('the simulated camera', () => {
  it('renders the same picture for the same seed and image number, labelled, and different ones otherwise', () => {
    const a = new BottleCamera({ seed: 42 });
    const b = new BottleCamera({ seed: 42 });
    expect(Buffer.from(a.image(7).rgb).equals(Buffer.from(b.image(7).rgb))).toBe(true);
    expect(Buffer.from(a.image(7).rgb).equals(Buffer.from(new BottleCamera({ seed: 43 }).image(7).rgb))).toBe(false);
    for (const label of BOTTLE_LABELS) expect(a.image(1, label)).toMatchObject({ label, width: 128, height: 224 });
    expect(a.image(1, 'underfill').fill).toBeLessThan(0.7);
    const small = new BottleCamera({ seed: 9, defectRate: 0.25, width: 32, height: 48 });
    const defects = Array.from({ length: 400 }, (_, i) => small.image(i).label).filter((l) => l !== 'ok').length;
    expect(defects).toBeGreaterThan(60);
    expect(defects).toBeLessThan(140);
  });
});

describe('decoding pictures', () => {
  const shot = new BottleCamera({ seed: 1, width: 64, height: 96 }).image(0);
  const png = encodeRgbPng(shot.rgb, shot.width, shot.height);

  it('reads PNG, JPEG and binary PPM into RGB', () => {
    expect(decodeImage(png, LIMITS)).toMatchObject({ width: 64, height: 96 });
    expect(Buffer.from(decodeImage(png, LIMITS).rgb).equals(Buffer.from(shot.rgb))).toBe(true);
    const rgba = Buffer.alloc(64 * 96 * 4, 255);
    const jpg = jpeg.encode({ data: rgba, width: 64, height: 96 }, 90).data;
    expect(decodeImage(jpg, LIMITS)).toMatchObject({ width: 64, height: 96 });
    const ppm = Buffer.concat([Buffer.from('P6\n# camera\n64 96\n255\n'), Buffer.from(shot.rgb)]);
    expect(Buffer.from(decodeImage(ppm, LIMITS).rgb).equals(Buffer.from(shot.rgb))).toBe(true);
  });

  it('refuses corrupt, truncated, oversized and unknown files with a code, never a crash', () => {
    expect(codeOf(() => decodeImage(png.subarray(0, png.length / 2), LIMITS))).toBe('IMAGE_CORRUPT');
    expect(codeOf(() => decodeImage(Buffer.concat([png.subarray(0, 40), Buffer.alloc(100, 3)]), LIMITS))).toBe('IMAGE_CORRUPT');
    expect(codeOf(() => decodeImage(png, { maxBytes: 100, maxPixels: 1e6 }))).toBe('IMAGE_TOO_LARGE');
    // A 30-byte header may claim a 100,000 × 100,000 picture: refused before anything is inflated.
    const bomb = Buffer.from(png.subarray(0, 33));
    bomb.writeUInt32BE(100_000, 16);
    bomb.writeUInt32BE(100_000, 20);
    expect(codeOf(() => decodeImage(bomb, LIMITS))).toBe('IMAGE_TOO_LARGE');
    expect(codeOf(() => decodeImage(Buffer.from('GIF89a....'), LIMITS))).toBe('IMAGE_UNSUPPORTED');
    expect(codeOf(() => decodeImage(Buffer.from('P6\n64 96\n255\nabc'), LIMITS))).toBe('IMAGE_CORRUPT');
  });
});

/** P(ok) = softmax of ±(mean brightness − 0.5) × 40: bright pictures pass, dark ones are "defect". */
function brightnessModel(): Uint8Array {
  const g = new OnnxGraph('bright');
  const x = g.input('image', [1, 3, 16, 16]);
  const mean = g.op('Flatten', [g.op('GlobalAveragePool', [x])], { axis: 1 });
  const logits = g.op('Gemm', [mean, g.constant('w', [2, 3], [13, 13, 13, -13, -13, -13]), g.constant('b', [2], [-20, 20])], { transB: 1 });
  g.op('Softmax', [logits], { axis: 1 }, 'probabilities');
  g.output('probabilities', [1, 2]);
  g.metadata('fabrik.manifest', JSON.stringify({ name: 'bright', input: { type: 'image', width: 16, height: 16 }, outputs: [{ name: 'probabilities', kind: 'probabilities', labels: ['ok', 'dark'] }] }));
  return g.toBytes();
}

describe('a camera fed by a folder', () => {
  it('inspects each dropped picture once, names the part after the file, moves it to done/ or rejected/, and counts', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fabrik-camera-'));
    dirs.push(dir);
    const inbox = path.join(dir, 'inbox');
    const model = await loadOnnxModel(brightnessModel());
    const events: FabrikEvent[] = [];
    const batches: SampleBatch[] = [];
    const tags = new TagRegistry();
    const station = new CameraStation({
      config: cameraSchema.parse({ id: 'cam1', asset: 'acme/p1/line1', model: 'bright', source: { type: 'folder', path: inbox }, keepImages: 1 }),
      dataDir: dir,
      tags,
      emitEvent: (e) => events.push(e),
      emitSamples: (b) => batches.push(b),
      model: () => ({ active: { version: 'v1', model }, shadow: null }),
    });
    await station.open();
    const watch = new FolderWatch({
      dir: inbox,
      intervalMs: 60_000,
      after: 'move',
      onFile: async (file, name) => {
        const { readFile } = await import('node:fs/promises');
        return station.inspect({ bytes: await readFile(file), partId: partIdOf(name), source: 'folder' }).then(
          () => 'done' as const,
          () => 'rejected' as const,
        );
      },
    });
    await watch.start();
    const bright = Buffer.alloc(16 * 16 * 3, 230);
    const dark = Buffer.alloc(16 * 16 * 3, 20);
    await writeFile(path.join(inbox, 'P-001.png'), encodeRgbPng(bright, 16, 16));
    await writeFile(path.join(inbox, 'P-002.png'), encodeRgbPng(dark, 16, 16));
    await writeFile(path.join(inbox, 'P-003.png'), Buffer.from('not a picture'));
    await writeFile(path.join(inbox, 'notes.txt'), 'ignored');
    const past = new Date(Date.now() - 10_000);
    for (const f of ['P-001.png', 'P-002.png', 'P-003.png']) await utimes(path.join(inbox, f), past, past);
    await watch.scan(); // first sight: files must hold still for one scan
    expect(events).toHaveLength(0);
    await watch.scan();
    await watch.stop();
    expect(events.map((e) => [e.kind, e.payload['partId'], e.payload['verdict'], e.payload['defect']])).toEqual([
      ['inspection', 'P-001', 'pass', null],
      ['inspection', 'P-002', 'reject', 'dark'],
    ]);
    expect((await readdir(path.join(inbox, 'done'))).sort()).toEqual(['P-001.png', 'P-002.png']);
    expect(await readdir(path.join(inbox, 'rejected'))).toEqual(['P-003.png']);
    expect((await readdir(inbox)).sort()).toEqual(['done', 'notes.txt', 'rejected']);
    expect(station.stats).toMatchObject({ inspected: 2, rejected: 1, badImages: 1, byDefect: { dark: 1 } });
    const last = batches.at(-1)!;
    expect([...last.tag].map((t) => tags.get(t)!.id)).toEqual(['cam1.inspected', 'cam1.rejects', 'cam1.defect_score']);
    expect([...last.value].slice(0, 2)).toEqual([2, 1]);
    // keepImages: 1 — only the newest picture stays for review.
    expect(await station.image(String(events[0]!.payload['imageId']))).toBeNull();
    expect((await station.image(String(events[1]!.payload['imageId'])))?.contentType).toBe('image/png');
    await model.close();
  });
});
