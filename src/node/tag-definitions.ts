import type { SiteConfig } from '../config/index.js';
import type { TagDefinition, TagRegistry } from '../core/index.js';

/** Defines every tag bound in the site config, in config order. */
export function defineConfiguredTags(config: SiteConfig, tags: TagRegistry): void {
  for (const device of config.devices) {
    for (const t of device.tags) {
      const def: TagDefinition = {
        id: t.id,
        assetPath: t.asset,
        point: t.point ?? t.id.split('.').at(-1)!,
        dataType: t.type,
        unit: t.unit,
        description: t.description,
        retentionClass: t.retention ?? config.retention.defaultClass,
        source: device.id,
        writable: t.writable,
        ...(t.low !== undefined ? { low: t.low } : {}),
        ...(t.high !== undefined ? { high: t.high } : {}),
      };
      tags.define(def);
    }
  }
}
