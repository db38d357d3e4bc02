import { z } from 'zod';
import { ASSET_SEGMENT, ISA95_LEVELS, parseAssetPath, parseDuration } from '../core/index.js';

/** "10s", "5m", "30d" or a number of milliseconds → milliseconds. */
export const duration = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const ms = parseDuration(v);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: `expected a duration like "250ms", "10s", "5m", "2h" or "30d", got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return ms;
  })
  .meta({ description: 'Duration: a number of milliseconds or a string like "250ms", "10s", "5m", "2h", "30d".' });

export const slug = z
  .string()
  .regex(ASSET_SEGMENT, 'expected a lower-case identifier: letters, digits, "_" or "-", starting with a letter or digit');

export const assetPath = z
  .string()
  .refine((p) => parseAssetPath(p) !== null, {
    message: `expected an ISA-95 asset path of 1 to ${ISA95_LEVELS.length} lower-case segments, e.g. "acme/plant1/packaging/line1/filler"`,
  });

export const tagId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, 'expected a tag id of letters, digits, ".", "_", ":" or "-" (at most 128), e.g. "line1.filler.temperature"');

