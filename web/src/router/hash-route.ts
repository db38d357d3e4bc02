import { Observable, useObservable } from '../live/observable.js';

/** Where the page is: `#/machine/acme/demo/line1/filler?range=1h` → segments ["machine", "acme", ...], params range=1h. */
export interface Route {
  segments: string[];
  params: URLSearchParams;
  /** The hash without '#', for links back here. */
  href: string;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const [path = '/', query = ''] = raw.split('?', 2);
  const segments = path.split('/').filter(Boolean).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  return { segments, params: new URLSearchParams(query), href: raw };
}

/** `#/a/b?x=1` from parts; segments are encoded one by one, so an asset path keeps its slashes. */
export function hrefOf(segments: readonly string[], params?: Record<string, string | number | undefined | null>): string {
  const path = `/${segments.flatMap((s) => s.split('/')).map(encodeURIComponent).join('/')}`;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const qs = q.toString();
  return `#${path}${qs ? `?${qs}` : ''}`;
}

export const route = new Observable<Route>(parseHash(location.hash));
addEventListener('hashchange', () => route.set(parseHash(location.hash)));

export function navigate(href: string, opts: { replace?: boolean } = {}): void {
  const target = href.startsWith('#') ? href : `#${href}`;
  if (opts.replace) {
    history.replaceState(null, '', target);
    route.set(parseHash(target));
  } else {
    location.hash = target;
  }
}

/** Changes query parameters of the current route without a new history entry. */
export function setParams(patch: Record<string, string | number | undefined | null>): void {
  const now = route.value;
  const params = new URLSearchParams(now.params);
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined || v === null || v === '') params.delete(k);
    else params.set(k, String(v));
  }
  const qs = params.toString();
  navigate(`${now.href.split('?')[0]}${qs ? `?${qs}` : ''}`, { replace: true });
}

export function useRoute(): Route {
  return useObservable(route);
}
