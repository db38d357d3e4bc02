import { useEffect, useRef, useState } from 'preact/hooks';
import { reachability } from '../api/reachability.js';
import { liveConnection } from '../live/live-connection.js';
import { Observable, useObservable } from '../live/observable.js';
import type { StreamStatus } from '../live/stream-connection.js';

const IDLE_OBSERVABLE = new Observable<StreamStatus>({ state: 'stopped', attempt: 0, retryAt: null, everOpened: false, dropped: 0 });

/** Says on screen when the node cannot be reached, counts down to the next attempt, and says when it is back. */
export function ConnectionBanner() {
  const stream = useObservable(liveConnection);
  const status = useObservable(stream?.status ?? IDLE_OBSERVABLE);
  const httpOk = useObservable(reachability);
  const [, tick] = useState(0);
  const [restored, setRestored] = useState(false);
  const wasDown = useRef(false);
  const down = (status.state === 'waiting' || status.state === 'connecting') && (status.everOpened || status.attempt >= 2) ? true : !httpOk;

  useEffect(() => {
    if (!down) return;
    const t = window.setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, [down]);
  useEffect(() => {
    if (down) {
      wasDown.current = true;
      setRestored(false);
    } else if (wasDown.current && status.state === 'open') {
      wasDown.current = false;
      setRestored(true);
      const t = window.setTimeout(() => setRestored(false), 4000);
      return () => clearTimeout(t);
    }
    return undefined;
  }, [down, status.state]);

  if (down) {
    const wait = status.retryAt ? Math.max(0, Math.ceil((status.retryAt - Date.now()) / 1000)) : 0;
    return (
      <div class="banner down" role="alert" data-banner="unreachable">
        <strong>Node unreachable.</strong> {status.state === 'connecting' ? 'Connecting…' : `Reconnecting in ${wait} s (attempt ${status.attempt}).`} Values on screen may be stale.
        <button type="button" onClick={() => stream?.retryNow()}>
          Retry now
        </button>
      </div>
    );
  }
  if (restored) {
    return (
      <div class="banner up" role="status" data-banner="restored">
        Connection to the node restored; live values are current again.
      </div>
    );
  }
  return null;
}
