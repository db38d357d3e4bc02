import type { TagDefinition } from '../core/index.js';

/** `source` of every tag inference defines (scores, inspection counters). */
export const INFERENCE_SOURCE = 'inference';

/** A derived tag on the same asset as the tag (or camera) it is about, kept as long. */
export function scoreTagDefinition(about: Pick<TagDefinition, 'assetPath' | 'retentionClass'>, id: string, description: string, unit = ''): TagDefinition {
  return {
    id,
    assetPath: about.assetPath,
    point: id.split('.').slice(-2).join('.'),
    dataType: 'number',
    unit,
    description,
    retentionClass: about.retentionClass,
    source: INFERENCE_SOURCE,
    writable: false,
  };
}
