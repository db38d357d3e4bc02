import { createHash } from 'node:crypto';
import type { ApiDeps } from './deps.js';

/** An asset as the dashboard draws it. */
export interface SiteAsset {
  path: string;
  name: string;
  kind: string;
  description: string;
  stateTag?: string;
  stateMap?: Record<string, string>;
}

/** The parts of the applied site config that describe the plant (no devices, no secrets). */
export interface SiteDescription {
  site: { id: string; name: string; enterprise?: string; timezone: string };
  nodeName?: string;
  version: string;
  config: { digest: string | null };
  assets: SiteAsset[];
  shifts: { name: string; start: string; end: string }[];
  kpi: { lines: unknown[] };
}

const cache = new WeakMap<object, SiteDescription>();

/** Describes the site from the applied config; without one, the asset tree is derived from the tags' asset paths. */
export function describeSite(deps: ApiDeps): SiteDescription {
  const cfg = deps.config.site;
  const hit = cfg && cache.get(cfg);
  if (hit) return hit;
  const base = { version: deps.config.version, ...(deps.config.nodeName ? { nodeName: deps.config.nodeName } : {}) };
  if (!cfg) {
    return {
      ...base,
      site: { id: deps.config.siteId, name: deps.config.siteId, timezone: 'UTC' },
      config: { digest: null },
      assets: assetsFromTags(deps.tags.all().map((t) => t.assetPath)),
      shifts: [],
      kpi: { lines: [] },
    };
  }
  const description: SiteDescription = {
    ...base,
    site: { id: cfg.site.id, name: cfg.site.name, enterprise: cfg.site.enterprise, timezone: cfg.site.timezone },
    // The config as applied, hashed: two nodes showing the same digest run the same document.
    config: { digest: `sha256:${createHash('sha256').update(JSON.stringify(cfg)).digest('hex').slice(0, 16)}` },
    assets: cfg.assets.map((a) => ({
      path: a.path,
      name: a.name ?? a.path.slice(a.path.lastIndexOf('/') + 1),
      kind: a.kind,
      description: a.description,
      ...(a.stateTag ? { stateTag: a.stateTag } : {}),
      ...(a.stateMap ? { stateMap: a.stateMap } : {}),
    })),
    shifts: cfg.shifts,
    kpi: { lines: cfg.kpi.lines },
  };
  cache.set(cfg, description);
  return description;
}

/** Every asset path and its ancestors, as plain assets: the tree of a node without a site config. */
function assetsFromTags(paths: readonly string[]): SiteAsset[] {
  const all = new Set<string>();
  for (const p of paths) {
    const parts = p.split('/');
    for (let i = 1; i <= parts.length; i++) all.add(parts.slice(0, i).join('/'));
  }
  return [...all].sort().map((path) => ({ path, name: path.slice(path.lastIndexOf('/') + 1), kind: 'asset', description: '' }));
}
