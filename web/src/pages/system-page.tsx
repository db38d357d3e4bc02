import { PanelGrid } from '../components/panel-grid.js';
import type { PageDef } from './page-def.js';

/** The node itself: health, adapters, ingest, store, sync, models, simulator. */
function SystemPage() {
  return (
    <div class="system">
      <h1>System</h1>
      <PanelGrid slot="system" />
    </div>
  );
}

export const systemPage: PageDef = { id: 'system', title: 'System', segment: 'system', shortcut: 'y', nav: true, component: SystemPage };
