import { z } from 'zod';
import { deviceBase, tagBindingSchema } from '../tag-binding.js';

/** The built-in plant simulator: each tag's `address` names a plant signal (`fabrik sim signals`). */
export const simDeviceSchema = z
  .object({
    ...deviceBase,
    protocol: z.literal('sim'),
    options: z.object({}).strict().default({}),
    tags: z.array(tagBindingSchema).default([]),
  })
  .strict();
