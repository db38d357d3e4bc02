import { z } from 'zod';
import type { ChartLimits } from './chart-limits.js';
import { CHART_KINDS } from './characteristic-schema.js';

const finite = z.number().refine(Number.isFinite, 'must be finite');

/** Limits as a limits event stores them; read back on start, so checked like any outside input. */
export const storedLimitsSchema: z.ZodType<ChartLimits> = z.object({
  chart: z.enum(CHART_KINDS),
  center: finite,
  ucl: finite,
  lcl: finite,
  sigma: z.number().min(0),
  n: z.number().int().min(1),
  flags: z.array(z.enum(['zero-variance', 'variable-limits'])),
  secondary: z.object({ kind: z.enum(['R', 'S', 'MR']), center: finite, ucl: finite, lcl: finite }).optional(),
  source: z.enum(['phase1', 'fixed']),
}) as z.ZodType<ChartLimits>;
