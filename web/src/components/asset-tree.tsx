import { useMemo } from 'preact/hooks';
import type { SiteAsset } from '../api/types.js';
import { liveValues } from '../live/live-values.js';
import { useLiveTags } from '../live/use-live.js';
import { hrefOf } from '../router/hash-route.js';
import { assetTree, machineState, stateAssets, type AssetNode } from '../site/site-model.js';
import { StateBadge } from './state-badge.js';

/** Site → area → line → cell → machine, each machine with its live state from its state tag. */
export function AssetTree({ assets }: { assets: readonly SiteAsset[] }) {
  const roots = useMemo(() => assetTree(assets), [assets]);
  const stateTags = useMemo(() => stateAssets(assets).map((a) => a.stateTag!), [assets]);
  useLiveTags(stateTags);
  return (
    <nav class="asset-tree" aria-label="Plant">
      <ul>
        {roots.map((n) => (
          <TreeNode node={n} key={n.asset.path} />
        ))}
      </ul>
    </nav>
  );
}

function TreeNode({ node }: { node: AssetNode }) {
  const { asset } = node;
  const value = asset.stateTag ? liveValues.latest(asset.stateTag)?.value : undefined;
  return (
    <li data-asset={asset.path} data-kind={asset.kind}>
      <div class="tree-row">
        <a href={hrefOf(['machine', asset.path])} title={asset.description || asset.path}>
          {asset.name}
        </a>
        <span class="kind muted small">{asset.kind}</span>
        {asset.stateTag && <StateBadge state={machineState(asset, value)} />}
      </div>
      {node.children.length > 0 && (
        <ul>
          {node.children.map((c) => (
            <TreeNode node={c} key={c.asset.path} />
          ))}
        </ul>
      )}
    </li>
  );
}
