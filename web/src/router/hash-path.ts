/** Where the page is: `#/machine/acme/demo/line1/filler?range=1h` → segments ["machine", "acme", ...], params range=1h. */
export interface Route {
  segments: string[];
  params: URLSearchParams;
  /** The hash without '#', for links back here. */
  href: string;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const query = q < 0 ? '' : raw.slice(q + 1);
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
