import { useEffect, useState } from 'preact/hooks';
import { getJson, queryString } from '../api/http.js';
import type { WireSample } from '../api/types.js';
import { liveConnection } from './live-connection.js';
import { liveValues } from './live-values.js';
import { useObservable } from './observable.js';

const SNAPSHOT_CHUNK = 150;

/** Fetches the newest stored value of the tags, so they show before the stream's next change. */
export async function loadSnapshot(tags: readonly string[]): Promise<void> {
  for (let i = 0; i < tags.length; i += SNAPSHOT_CHUNK) {
    const chunk = tags.slice(i, i + SNAPSHOT_CHUNK);
    const { samples } = await getJson<{ samples: WireSample[] }>(`/api/v1/latest${queryString({ tags: chunk.join(',') })}`);
    liveValues.apply(samples, false);
  }
}

/**
 * Watches tags live while the component is mounted: subscribes on the stream,
 * loads their newest values at once (and again after every reconnect), and
 * re-renders at most once per frame when any of them changes.
 */
export function useLiveTags(tags: readonly string[]): number {
  const stream = useObservable(liveConnection);
  const [version, setVersion] = useState(0);
  const key = tags.join('\n');
  useEffect(() => {
    if (!stream || tags.length === 0) return;
    const offStream = stream.watchTags(tags);
    const refresh = (): void => void loadSnapshot(tags).catch(() => {});
    refresh();
    const offOpen = stream.onOpen(refresh);
    const offValues = liveValues.subscribe(tags, () => setVersion((v) => v + 1));
    return () => {
      offStream();
      offOpen();
      offValues();
    };
    // `key` stands for the tag list's content.
  }, [stream, key]);
  return version;
}
