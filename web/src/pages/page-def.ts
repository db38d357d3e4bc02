import type { ComponentType } from 'preact';
import type { Route } from '../router/hash-route.js';

/** One page of the dashboard: where it lives (`#/<segment>/...`), its key after "g", and what draws it. */
export interface PageDef {
  id: string;
  title: string;
  /** First path segment; '' for the overview at `#/`. */
  segment: string;
  /** Shortcut: press g, then this key. */
  shortcut?: string;
  /** Listed in the navigation bar. */
  nav: boolean;
  component: ComponentType<{ route: Route }>;
}
