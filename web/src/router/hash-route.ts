import { Observable, useObservable } from '../live/observable.js';
import { parseHash, type Route } from './hash-path.js';

export { hrefOf, parseHash, type Route } from './hash-path.js';

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
