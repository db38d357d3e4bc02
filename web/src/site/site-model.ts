import { getJson } from '../api/http.js';
import type { MachineState, SampleValue, Site, SiteAsset } from '../api/types.js';
import { setDisplayTimeZone } from '../components/format.js';
import { Observable } from '../live/observable.js';

/** The site as `/api/v1/site` describes it; loaded after sign-in. */
export const site = new Observable<Site | null>(null);

export async function loadSite(): Promise<Site> {
  const s = await getJson<Site>('/api/v1/site');
  setDisplayTimeZone(s.site.timezone);
  site.set(s);
  return s;
}

/** An asset with its children, for the tree. */
export interface AssetNode {
  asset: SiteAsset;
  children: AssetNode[];
}

/** The asset tree: every asset under its nearest declared ancestor, roots first, config order kept. */
export function assetTree(assets: readonly SiteAsset[]): AssetNode[] {
  const nodes = new Map(assets.map((a) => [a.path, { asset: a, children: [] as AssetNode[] }]));
  const roots: AssetNode[] = [];
  for (const node of nodes.values()) {
    let parent: AssetNode | undefined;
    for (let p = parentPath(node.asset.path); p !== null && !parent; p = parentPath(p)) parent = nodes.get(p);
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

function parentPath(path: string): string | null {
  const i = path.lastIndexOf('/');
  return i < 0 ? null : path.slice(0, i);
}

/** A machine's state from its state tag's value through the asset's stateMap. */
export function machineState(asset: SiteAsset, value: SampleValue | undefined): MachineState | undefined {
  if (value === undefined || value === null || !asset.stateMap) return undefined;
  const key = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
  return asset.stateMap[key];
}

/** Assets that have a live state (machines, utilities). */
export function stateAssets(assets: readonly SiteAsset[]): SiteAsset[] {
  return assets.filter((a) => a.stateTag && a.stateMap);
}

export function assetName(path: string): string {
  const s = site.value?.assets.find((a) => a.path === path);
  return s?.name ?? path.slice(path.lastIndexOf('/') + 1);
}
