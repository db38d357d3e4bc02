import { z } from 'zod';
// The primitives directly, not config/index.ts: config/schema.ts imports this file, and the index would make an import cycle.
import { assetPath, duration, tagId } from '../config/primitives.js';
import { modelName } from './model-manifest.js';

const detectorName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'expected a detector name of lower-case letters, digits, "_" or "-" (at most 64)');

/** Run only while a state tag has one of these values (e.g. the machine runs): stops and changeovers are not anomalies. */
const gateSchema = z
  .object({
    tag: tagId,
    in: z.array(z.number().finite()).min(1).describe('Values of the tag while the detector runs, e.g. [2] for running.'),
    settle: duration.prefault(0).describe('After the tag takes one of these values, wait this long before scoring (start-up transients).'),
  })
  .strict();

const common = {
  name: detectorName,
  tags: z.array(tagId).min(1).max(10_000).describe('Each tag gets its own detector and a score tag "<tag>.anomaly_score".'),
  threshold: z.number().positive().default(6).describe('Anomalous when the score is above this (z units: 6 means six robust standard deviations).'),
  confirm: z.number().int().min(1).max(1000).default(1).describe('Scores above the threshold in a row before an anomaly event.'),
  clearBelow: z.number().nonnegative().optional().describe('The anomaly ends once the score is below this (default 80% of the threshold)...'),
  clearAfter: z.number().int().min(1).max(10_000).default(3).describe('...for this many scores in a row.'),
  severity: z.enum(['low', 'medium', 'high', 'critical']).default('medium'),
  when: gateSchema.optional(),
  clip: z.number().min(1).max(100).default(3).describe('Residuals beyond this many scales are clipped before they update the baseline.'),
  minScale: z.number().nonnegative().default(0).describe('Floor of the scale in engineering units (e.g. the sensor resolution).'),
};

export const robustZDetectorSchema = z
  .object({
    type: z.literal('robust-z'),
    ...common,
    halfLife: duration.prefault('30m').describe('Half-life of the EWMA baseline: how long a new level takes to become normal.'),
    warmup: z.number().int().min(2).max(1_000_000).default(60).describe('Samples before the first score.'),
    stuck: z.boolean().default(true).describe('Also flag a value that stopped changing far longer than usual (a stuck sensor).'),
  })
  .strict();

export const seasonalDetectorSchema = z
  .object({
    type: z.literal('seasonal'),
    ...common,
    bins: z.number().int().min(2).max(10_080).default(24).describe('How many phases the cycle is split into, each with its own baseline.'),
    period: duration.optional().describe('A time cycle (e.g. 1d with 24 bins: an hourly profile); UTC, shifted by `offset`.'),
    offset: duration.prefault(0),
    phaseTag: tagId.optional().describe('Or a tag giving the phase (e.g. tool wear, cycle step).'),
    phaseRange: z.tuple([z.number().finite(), z.number().finite()]).optional().describe('[low, high] of the phase tag.'),
    halfLife: z.number().int().min(1).max(1_000_000).default(200).describe('Half-life of each bin’s baseline, in samples landing in it.'),
    warmup: z.number().int().min(2).max(1_000_000).default(20).describe('Samples a bin needs before it scores.'),
  })
  .strict()
  .superRefine((d, ctx) => {
    if ((d.period === undefined) === (d.phaseTag === undefined)) ctx.addIssue({ code: 'custom', message: 'give either period (a time cycle) or phaseTag (a phase signal)', path: ['period'] });
    if (d.phaseTag !== undefined && (!d.phaseRange || d.phaseRange[0] >= d.phaseRange[1])) ctx.addIssue({ code: 'custom', message: 'phaseTag needs phaseRange [low, high] with low < high', path: ['phaseRange'] });
  });

export const detectorSchema = z.discriminatedUnion('type', [robustZDetectorSchema, seasonalDetectorSchema]);

export const configuredModelSchema = z
  .object({
    file: z.string().min(1).describe('Path of the .onnx file: absolute, relative to the working directory, or to the Fabrik install (shipped models).'),
    manifest: z.string().min(1).optional().describe('Path of its manifest (JSON or YAML); default: the one inside the model.'),
    sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'expected 64 hex digits').optional().describe('Refuse the file unless it has this SHA-256.'),
    mode: z.enum(['active', 'shadow']).default('active').describe('active: scores and events; shadow: scores recorded, no events.'),
  })
  .strict();

const cameraSourceSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('folder'),
      path: z.string().min(1).describe('Folder the vision system drops images into (PNG or JPEG); the file name is the part id.'),
      interval: duration.prefault('500ms').describe('How often the folder is scanned.'),
      after: z.enum(['move', 'delete']).default('move').describe('move: to done/ (or rejected/ when unreadable); delete.'),
    })
    .strict(),
  z.object({ type: z.literal('upload') }).strict().describe('Images arrive only through POST /api/v1/inspections/images.'),
  z
    .object({
      type: z.literal('sim'),
      interval: duration.prefault('2s'),
      seed: z.number().int().min(0).default(7),
      defectRate: z.number().min(0).max(1).default(0.03),
      width: z.number().int().min(32).max(2048).default(128),
      height: z.number().int().min(48).max(2048).default(224),
    })
    .strict()
    .describe('The built-in simulated camera over a bottling line.'),
]);

export const cameraSchema = z
  .object({
    id: detectorName,
    asset: assetPath,
    model: modelName.describe('Image model that inspects this camera’s pictures.'),
    source: cameraSourceSchema,
    maxImageBytes: z.number().int().positive().max(256 * 1024 * 1024).default(8 * 1024 * 1024),
    maxPixels: z.number().int().positive().max(100_000_000).default(16_000_000),
    keepImages: z.number().int().min(0).max(1_000_000).default(500).describe('Newest images kept on disk for review; older ones are deleted.'),
  })
  .strict();

/** The `inference:` key of the site config. */
export const inferenceConfigSchema = z
  .object({
    detectors: z.array(detectorSchema).default([]),
    models: z.array(configuredModelSchema).default([]),
    cameras: z.array(cameraSchema).default([]),
    maxModelBytes: z.number().int().positive().max(2 * 1024 * 1024 * 1024).default(256 * 1024 * 1024),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const names = new Set<string>();
    const scored = new Map<string, string>();
    cfg.detectors.forEach((d, i) => {
      if (names.has(d.name)) ctx.addIssue({ code: 'custom', message: `duplicate detector name "${d.name}"`, path: ['detectors', i, 'name'] });
      names.add(d.name);
      if (d.clearBelow !== undefined && d.clearBelow > d.threshold) ctx.addIssue({ code: 'custom', message: 'clearBelow must not be above threshold', path: ['detectors', i, 'clearBelow'] });
      d.tags.forEach((t, j) => {
        const other = scored.get(t);
        if (other) ctx.addIssue({ code: 'custom', message: `tag "${t}" already has a detector ("${other}"); one online detector per tag`, path: ['detectors', i, 'tags', j] });
        scored.set(t, d.name);
      });
    });
    const cameras = new Set<string>();
    cfg.cameras.forEach((c, i) => {
      if (cameras.has(c.id)) ctx.addIssue({ code: 'custom', message: `duplicate camera id "${c.id}"`, path: ['cameras', i, 'id'] });
      cameras.add(c.id);
    });
  });

export type InferenceConfig = z.output<typeof inferenceConfigSchema>;
export type DetectorConfig = z.output<typeof detectorSchema>;
export type CameraConfig = z.output<typeof cameraSchema>;
export type ConfiguredModel = z.output<typeof configuredModelSchema>;
