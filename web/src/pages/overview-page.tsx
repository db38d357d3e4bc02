import { AssetTree } from '../components/asset-tree.js';
import { PanelGrid } from '../components/panel-grid.js';
import { useObservable } from '../live/observable.js';
import { site } from '../site/site-model.js';
import type { PageDef } from './page-def.js';

/** The plant as it is now: the asset tree with live states beside the overview panels (KPIs, alarms, SPC, AI). */
function OverviewPage() {
  const s = useObservable(site);
  return (
    <div class="overview">
      <aside class="panel tree-panel" aria-labelledby="plant-title">
        <header class="panel-head">
          <h2 id="plant-title">{s?.site.name ?? 'Plant'}</h2>
          {s?.currentShift && <span class="muted small">Shift {s.currentShift.name}</span>}
        </header>
        {s ? <AssetTree assets={s.assets} /> : <p class="muted">Loading…</p>}
      </aside>
      <PanelGrid slot="overview" />
    </div>
  );
}

export const overviewPage: PageDef = { id: 'overview', title: 'Overview', segment: '', shortcut: 'o', nav: true, component: OverviewPage };
