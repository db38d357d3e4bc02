import { panelsFor, type PanelSlot } from '../panels/index.js';

/** The registered panels of a slot, in order. */
export function PanelGrid({ slot, assetPath }: { slot: PanelSlot; assetPath?: string }) {
  return (
    <div class="panel-grid">
      {panelsFor(slot).map((p) => (
        <div class={p.wide ? 'cell wide' : 'cell'} data-panel={p.id} key={p.id}>
          <p.component {...(assetPath ? { assetPath } : {})} />
        </div>
      ))}
    </div>
  );
}
