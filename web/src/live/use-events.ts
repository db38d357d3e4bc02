import { useEffect, useRef } from 'preact/hooks';
import type { WireEvent } from '../api/types.js';
import { liveConnection } from './live-connection.js';
import { useObservable } from './observable.js';

/** Calls `listener` for every event the node streams while the component is mounted. */
export function useEvents(listener: (event: WireEvent) => void): void {
  const stream = useObservable(liveConnection);
  const current = useRef(listener);
  current.current = listener;
  useEffect(() => {
    if (!stream) return;
    return stream.watchEvents((e) => current.current(e));
  }, [stream]);
}

/** Reloads (at most every 500 ms) when an event matching `match` arrives. */
export function useEventRefresh(match: (event: WireEvent) => boolean, reload: () => void): void {
  const timer = useRef<number | null>(null);
  useEvents((e) => {
    if (!match(e) || timer.current !== null) return;
    timer.current = window.setTimeout(() => {
      timer.current = null;
      reload();
    }, 500);
  });
}
