import { useEffect, useState } from 'preact/hooks';

/** One site side by side with the others, as the hub's `GET /api/v1/analytics/sites` answers. */
export interface HubSiteFigures {
  siteId: string;
  name: string;
  lastContact: number | null;
  oee: number | null;
  units: number | null;
  scrap: number | null;
  scrapRate: number | null;
  spcViolations: number;
  spcViolationsPerHour: number;
  anomalies: number;
  alarms: number;
  events: number;
  rollups: number;
}

export interface HubTag {
  tag: string;
  assetPath: string | null;
  unit: string | null;
  minutes: number;
  newest: number;
}

export interface HubRollup {
  tag: string;
  bucket: number;
  count: number;
  min: number | null;
  max: number | null;
  avg: number | null;
  good: number;
  backfill: boolean;
}

const TOKEN_KEY = 'fabrik.hubToken';

export function storedHubToken(): string {
  return localStorage.getItem(TOKEN_KEY) ?? '';
}

export function storeHubToken(token: string): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

export type HubResource<T> = { status: 'loading' } | { status: 'ready'; data: T } | { status: 'error'; message: string; unauthorized: boolean };

/** GETs a hub route with the hub token (the hub is another server: its own token, CORS), polling when asked. */
export function useHub<T>(hub: string | undefined, token: string, path: string | null, refreshMs?: number): HubResource<T> {
  const [state, setState] = useState<HubResource<T>>({ status: 'loading' });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!hub || !token || path === null) return;
    const abort = new AbortController();
    let timer: number | null = null;
    fetch(new URL(`/api/v1${path}`, hub), { headers: { authorization: `Bearer ${token}` }, signal: abort.signal })
      .then(async (res) => {
        const body = (await res.json().catch(() => ({}))) as T & { error?: { message?: string } };
        if (!res.ok) setState({ status: 'error', message: body.error?.message ?? `${res.status} ${res.statusText}`, unauthorized: res.status === 401 || res.status === 403 });
        else setState({ status: 'ready', data: body });
      })
      .catch((err: unknown) => {
        if (!abort.signal.aborted) setState({ status: 'error', message: `the hub at ${hub} does not answer (${(err as Error).message})`, unauthorized: false });
      })
      .finally(() => {
        if (refreshMs && !abort.signal.aborted) timer = window.setTimeout(() => setTick((t) => t + 1), refreshMs);
      });
    return () => {
      abort.abort();
      if (timer !== null) clearTimeout(timer);
    };
  }, [hub, token, path, tick, refreshMs]);
  return state;
}
