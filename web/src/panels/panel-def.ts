import type { ComponentType } from 'preact';

/** Where a panel shows: the overview's side column, the System page, or a machine's page. */
export type PanelSlot = 'overview' | 'system' | 'machine';

/**
 * A panel a capability adds to a page. A panel whose API route answers 404
 * says the capability is not enabled on this node; nothing else changes.
 */
export interface PanelDef {
  id: string;
  slot: PanelSlot;
  title: string;
  /** Lower first. */
  order: number;
  /** Span both columns of a panel grid. */
  wide?: boolean;
  component: ComponentType<{ assetPath?: string }>;
}
