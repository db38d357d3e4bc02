import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { getJson } from './http.js';
import { HttpError } from './http-error.js';

/** A GET resource as a page sees it; `absent` means the node has no such route (the capability is not enabled there). */
export type Resource<T> =
  | { status: 'loading'; data?: undefined }
  | { status: 'ready'; data: T; updatedAt: number }
  | { status: 'absent'; data?: undefined; message: string }
  | { status: 'error'; data?: T; error: Error };

export interface ResourceOptions {
  /** Poll every this many ms while mounted. */
  refreshMs?: number;
  /** Error codes of a 404 that mean "not on this node" (default: the API's catch-all NOT_FOUND). */
  absentCodes?: readonly string[];
}

/** Loads `path` (null: nothing yet), keeps the last good data through failed refreshes and path changes, and polls when asked. */
export function useResource<T>(path: string | null, opts: ResourceOptions = {}): Resource<T> & { reload: () => void } {
  const [state, setState] = useState<Resource<T>>({ status: 'loading' });
  const [tick, setTick] = useState(0);
  const last = useRef<T | undefined>(undefined);
  const absent = (opts.absentCodes ?? ['NOT_FOUND']).join(',');
  useEffect(() => {
    if (path === null) return;
    const abort = new AbortController();
    let timer: number | null = null;
    // The next poll is planned when this one has answered, so a slow node is never asked twice at once.
    const next = (): void => {
      if (opts.refreshMs && !abort.signal.aborted) timer = window.setTimeout(() => setTick((t) => t + 1), opts.refreshMs);
    };
    getJson<T>(path, { signal: abort.signal }).then(
      (data) => {
        last.current = data;
        setState({ status: 'ready', data, updatedAt: Date.now() });
        next();
      },
      (err: unknown) => {
        if (abort.signal.aborted) return;
        if (err instanceof HttpError && err.status === 404 && absent.split(',').includes(err.code)) {
          setState({ status: 'absent', message: err.message });
        } else {
          setState({ status: 'error', error: err as Error, ...(last.current !== undefined ? { data: last.current } : {}) });
        }
        next();
      },
    );
    return () => {
      abort.abort();
      if (timer !== null) clearTimeout(timer);
    };
  }, [path, tick, opts.refreshMs, absent]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}
