import type { TagWriteControl } from '../api/index.js';
import { FabrikError, isTagWriter, type Source, type TagRegistry } from '../core/index.js';

/** Routes a write to the running source of the tag's device (the tag's `source` is its device id). */
export function tagWrites(tags: TagRegistry, running: (device: string) => Source | null): TagWriteControl {
  return {
    write: async (tagIndex, value) => {
      const def = tags.get(tagIndex);
      const device = def?.source ?? '';
      const source = running(device);
      if (!source) throw new FabrikError('TAG_SOURCE_NOT_RUNNING', `device "${device}" of tag "${def?.id ?? tagIndex}" is not running; check GET /healthz and try again`);
      if (!isTagWriter(source)) throw new FabrikError('TAG_SOURCE_CANNOT_WRITE', `device "${device}" (${source.name}) cannot write; write-back works over OPC UA (and the protocols that implement it)`);
      return source.write(tagIndex, value);
    },
  };
}
