import { useMemo, useState } from 'preact/hooks';
import type { MachineState, SiteAsset } from '../api/types.js';
import { liveValues } from '../live/live-values.js';
import { useLiveTags } from '../live/use-live.js';
import { hrefOf } from '../router/hash-route.js';
import { assetTree, machineState, stateAssets, type AssetNode } from '../site/site-model.js';
import { StateBadge } from './state-badge.js';

/** Trees up to this many assets open fully; bigger ones open down to the areas. */
const OPEN_ALL = 60;
const OPEN_DEPTH = 3;

/** Site → area → line → cell → machine, each machine with its live state; a closed branch sums up its machines' states. */
export function AssetTree({ assets }: { assets: readonly SiteAsset[] }) {
  const roots = useMemo(() => assetTree(assets), [assets]);
  const stateTags = useMemo(() => stateAssets(assets).map((a) => a.stateTag!), [assets]);
  useLiveTags(stateTags);
  const openAll = assets.length <= OPEN_ALL;
  return (
    <nav class="asset-tree" aria-label="Plant">
      <ul>
        {roots.map((n) => (
          <TreeNode node={n} depth={0} openAll={openAll} key={n.asset.path} />
        ))}
      </ul>
    </nav>
  );
}

function TreeNode({ node, depth, openAll }: { node: AssetNode; depth: number; openAll: boolean }) {
  const { asset } = node;
  const [open, setOpen] = useState(openAll || depth < OPEN_DEPTH - 1);
  const value = asset.stateTag ? liveValues.latest(asset.stateTag)?.value : undefined;
  const hasChildren = node.children.length > 0;
  return (
    <li data-asset={asset.path} data-kind={asset.kind}>
      <div class="tree-row">
        {hasChildren ? (
          <button type="button" class="twisty" aria-expanded={open} aria-label={`${open ? 'Close' : 'Open'} ${asset.name}`} onClick={() => setOpen(!open)}>
            {open ? '▾' : '▸'}
          </button>
        ) : (
          <span class="twisty" aria-hidden="true" />
        )}
        <a href={hrefOf(['machine', asset.path])} title={asset.description || asset.path}>
          {asset.name}
        </a>
        <span class="kind muted small">{asset.kind}</span>
        {asset.stateTag && <StateBadge state={machineState(asset, value)} />}
        {hasChildren && !open && <BranchSummary node={node} />}
      </div>
      {hasChildren && open && (
        <ul>
          {node.children.map((c) => (
            <TreeNode node={c} depth={depth + 1} openAll={openAll} key={c.asset.path} />
          ))}
        </ul>
      )}
    </li>
  );
}

/** How many machines below a closed branch run, stand or are faulted. */
function BranchSummary({ node }: { node: AssetNode }) {
  const counts: Partial<Record<MachineState | 'unknown', number>> = {};
  const walk = (n: AssetNode): void => {
    if (n.asset.stateTag) {
      const s = machineState(n.asset, liveValues.latest(n.asset.stateTag)?.value) ?? 'unknown';
      counts[s] = (counts[s] ?? 0) + 1;
    }
    n.children.forEach(walk);
  };
  node.children.forEach(walk);
  const order: (MachineState | 'unknown')[] = ['faulted', 'idle', 'running', 'off', 'unknown'];
  return (
    <span class="branch-summary">
      {order
        .filter((s) => counts[s])
        .map((s) => (
          <span class={`state state-${s}`} key={s} title={`${counts[s]} ${s}`}>
            {counts[s]}
          </span>
        ))}
    </span>
  );
}
