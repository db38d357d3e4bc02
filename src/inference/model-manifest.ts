import { z } from 'zod';
// The primitives directly, not config/index.ts: config/schema.ts imports this folder's schema, and going through the index would be an import cycle.
import { duration, tagId } from '../config/primitives.js';

/** A model name: what its score tags, routes and versions are keyed on. */
export const modelName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'expected a model name of lower-case letters, digits, "_" or "-" (at most 64), e.g. "bottle-inspector"');

const finiteList = z.array(z.number().finite());

/** Rows of tag values: one row per window, `length` rows per inference. */
export const tagsInputSchema = z
  .object({
    type: z.literal('tags'),
    name: z.string().min(1).optional().describe('ONNX input name; default: the model’s first input.'),
    tags: z.array(tagId).min(1).max(4096).describe('Tags in the order of the model’s feature axis.'),
    window: duration.prefault('1s').describe('One row per window; each tag’s newest value in it (deadband-stored tags hold their last value).'),
    length: z.number().int().min(1).max(10_000).default(1).describe('Rows per inference: 1 → input [1, features]; more → [1, length, features].'),
    when: z
      .object({ tag: tagId, in: z.array(z.number().finite()).min(1), settle: duration.prefault(0) })
      .strict()
      .optional()
      .describe('Score only while this tag has one of these values (e.g. the machine runs); the model learned normal operation, not stops.'),
    normalize: z
      .object({ mean: finiteList, std: z.array(z.number().positive()) })
      .strict()
      .optional()
      .describe('(value − mean) / std per tag before the model sees it.'),
  })
  .strict()
  .superRefine((i, ctx) => {
    if (i.normalize && (i.normalize.mean.length !== i.tags.length || i.normalize.std.length !== i.tags.length)) {
      ctx.addIssue({ code: 'custom', message: `normalize.mean and normalize.std need one value per tag (${i.tags.length})`, path: ['normalize'] });
    }
  });

/** An image from a camera, resized and normalised into a tensor. */
export const imageInputSchema = z
  .object({
    type: z.literal('image'),
    name: z.string().min(1).optional().describe('ONNX input name; default: the model’s first input.'),
    width: z.number().int().min(8).max(4096),
    height: z.number().int().min(8).max(4096),
    channels: z.enum(['rgb', 'bgr', 'gray']).default('rgb'),
    layout: z.enum(['nchw', 'nhwc']).default('nchw'),
    scale: z.number().positive().default(1 / 255).describe('Pixel bytes are multiplied by this first (1/255 → 0..1).'),
    mean: finiteList.optional().describe('Per channel, subtracted after scaling (ImageNet: [0.485, 0.456, 0.406]).'),
    std: z.array(z.number().positive()).optional().describe('Per channel, divided by after the mean.'),
  })
  .strict()
  .superRefine((i, ctx) => {
    const n = i.channels === 'gray' ? 1 : 3;
    for (const key of ['mean', 'std'] as const) {
      const v = i[key];
      if (v && v.length !== n) ctx.addIssue({ code: 'custom', message: `${key} needs ${n} value(s) for ${i.channels} images`, path: [key] });
    }
  });

export const modelOutputSchema = z
  .object({
    name: z.string().min(1).describe('ONNX output name.'),
    kind: z
      .enum(['score', 'probabilities', 'label', 'contributions'])
      .describe('score: one number per inference, anomalous above `threshold`; probabilities: one per class in `labels`; label: a class index; contributions: one per input tag, naming the tags behind an anomaly.'),
    threshold: z.number().finite().optional().describe('score: anomalous above it; probabilities: reject when the probability of `okLabel` is below it (default 0.5).'),
    labels: z.array(z.string().min(1).max(64)).min(1).max(1000).optional(),
    okLabel: z.string().min(1).default('ok').describe('The class that is not a defect.'),
    confirm: z.number().int().min(1).max(1000).default(1).describe('score: runs above the threshold in a row before an anomaly event.'),
    tag: z.boolean().default(true).describe('Store this score as a tag "<model>.<output>".'),
  })
  .strict()
  .superRefine((o, ctx) => {
    if ((o.kind === 'probabilities' || o.kind === 'label') && !o.labels) ctx.addIssue({ code: 'custom', message: `a ${o.kind} output needs labels`, path: ['labels'] });
    if (o.kind === 'probabilities' && o.labels && !o.labels.includes(o.okLabel)) ctx.addIssue({ code: 'custom', message: `okLabel "${o.okLabel}" is not one of the labels`, path: ['okLabel'] });
  });

/**
 * What Fabrik needs to run any ONNX model: where its input comes from and how
 * to read its outputs. Shipped beside the .onnx file (or inside it, as the
 * metadata entry "fabrik.manifest").
 */
export const modelManifestSchema = z
  .object({
    name: modelName,
    description: z.string().max(2000).default(''),
    input: z.discriminatedUnion('type', [tagsInputSchema, imageInputSchema]),
    outputs: z.array(modelOutputSchema).min(1).max(32),
    run: z
      .object({
        every: duration.optional().describe('Run on this schedule over the newest rows; default: on every closed window (tags) or every image (images).'),
      })
      .strict()
      .default({}),
    severity: z.enum(['low', 'medium', 'high', 'critical']).default('medium').describe('Severity of the anomaly and reject events.'),
    training: z.record(z.string(), z.unknown()).optional().describe('What the trainer recorded: kind, data, held-out metrics.'),
  })
  .strict()
  .superRefine((m, ctx) => {
    const names = new Set<string>();
    m.outputs.forEach((o, i) => {
      if (names.has(o.name)) ctx.addIssue({ code: 'custom', message: `output "${o.name}" is listed twice`, path: ['outputs', i, 'name'] });
      names.add(o.name);
      if (o.kind === 'contributions' && m.input.type !== 'tags') ctx.addIssue({ code: 'custom', message: 'contributions outputs need a tags input', path: ['outputs', i, 'kind'] });
    });
    if (m.input.type === 'image' && !m.outputs.some((o) => o.kind === 'probabilities' || o.kind === 'score')) {
      ctx.addIssue({ code: 'custom', message: 'an image model needs a probabilities or score output to give a verdict', path: ['outputs'] });
    }
    if (m.input.type === 'tags' && !m.outputs.some((o) => o.kind === 'score')) {
      ctx.addIssue({ code: 'custom', message: 'a tags model needs a score output', path: ['outputs'] });
    }
  });

export type ModelManifest = z.output<typeof modelManifestSchema>;
export type ModelManifestInput = z.input<typeof modelManifestSchema>;
export type ModelOutput = z.output<typeof modelOutputSchema>;
export type TagsInput = z.output<typeof tagsInputSchema>;
export type ImageInput = z.output<typeof imageInputSchema>;
