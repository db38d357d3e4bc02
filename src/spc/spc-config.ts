import { z } from 'zod';
import { characteristicSchema, type Characteristic } from './characteristic-schema.js';

/** The site config's `spc` section: the characteristics evaluated live on the node. */
export const spcConfigSchema = z
  .object({
    characteristics: z.array(characteristicSchema).default([]).describe('Quality characteristics: tag, chart, subgroups, spec limits, rules and baseline.'),
  })
  .strict()
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.characteristics.forEach((c, i) => {
      if (seen.has(c.id)) ctx.addIssue({ code: 'custom', path: ['characteristics', i, 'id'], message: `duplicate characteristic id "${c.id}"` });
      seen.add(c.id);
    });
  });

export type SpcConfig = z.output<typeof spcConfigSchema>;

/** Cross-checks against the rest of the site config: every tag a characteristic reads must exist (device tags and tags inference defines). */
export function spcConfigIssues(spc: SpcConfig, tags: ReadonlySet<string>): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  spc.characteristics.forEach((c: Characteristic, i) => {
    for (const key of ['tag', 'sizeTag', 'partTag'] as const) {
      const id = c[key];
      if (id !== undefined && !tags.has(id)) {
        out.push({ path: ['spc', 'characteristics', i, key], message: `characteristic "${c.id}" reads tag "${id}", which no device defines` });
      }
    }
  });
  return out;
}
