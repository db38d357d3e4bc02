import { z } from 'zod';
import { assetPath, duration, slug, tagId } from './primitives.js';

export const scaleSchema = z.union([
  z.object({ factor: z.number().finite().default(1), offset: z.number().finite().default(0) }).strict(),
  z
    .object({ rawLow: z.number().finite(), rawHigh: z.number().finite(), euLow: z.number().finite(), euHigh: z.number().finite() })
    .strict()
    .refine((s) => s.rawHigh !== s.rawLow, { message: 'rawLow and rawHigh must differ' }),
]);

export const rangeSchema = z
  .object({
    low: z.number().finite(),
    high: z.number().finite(),
    action: z
      .enum(['flag', 'clamp', 'drop'])
      .default('flag')
      .describe('flag: keep the value, quality becomes UncertainEuExceeded; clamp: limit to the range; drop: discard.'),
  })
  .strict()
  .refine((r) => r.low < r.high, { message: 'low must be below high' });

export const deadbandSchema = z
  .object({
    absolute: z.number().nonnegative().optional().describe('Report only when |value − last reported| exceeds this.'),
    percent: z.number().nonnegative().max(100).optional().describe('Percent of the engineering span (high − low), or of the last value when no span.'),
    maxInterval: duration.optional().describe('Heartbeat: report at least this often even without change.'),
  })
  .strict();

export const swingingDoorSchema = z
  .object({
    deviation: z.number().positive().describe('Compression deviation in engineering units.'),
    maxInterval: duration.optional().describe('Heartbeat: store a point at least this often.'),
  })
  .strict();

export const rateOfChangeSchema = z
  .object({
    maxPerSecond: z.number().positive(),
    action: z.enum(['flag', 'drop']).default('flag'),
  })
  .strict();

export const TAG_TYPES = ['number', 'integer', 'boolean', 'string'] as const;

export const tagBindingSchema = z
  .object({
    id: tagId,
    asset: assetPath.describe('Asset path of the equipment this tag belongs to.'),
    point: slug.optional().describe('Point name on the asset; defaults to the last segment of the id.'),
    type: z.enum(TAG_TYPES).default('number'),
    unit: z.string().default(''),
    description: z.string().default(''),
    address: z.string().min(1).describe('Where the device exposes the value: a simulator signal, an OPC UA NodeId, a Modbus register, an MQTT topic.'),
    low: z.number().finite().optional().describe('Engineering range low (for percent deadband and displays).'),
    high: z.number().finite().optional().describe('Engineering range high.'),
    scale: scaleSchema.optional(),
    range: rangeSchema.optional().describe('Valid range; values outside it get a quality flag, are clamped or dropped.'),
    deadband: deadbandSchema.optional(),
    swingingDoor: swingingDoorSchema.optional(),
    rateOfChange: rateOfChangeSchema.optional(),
    retention: slug.optional().describe('Retention class; defaults to retention.defaultClass.'),
    writable: z.boolean().default(false),
  })
  .strict();

/** Fields every device has, whatever its protocol. */
export const deviceBase = {
  id: slug,
  enabled: z.boolean().default(true),
  interval: duration.prefault(1000).describe('Poll or publish interval.'),
};

