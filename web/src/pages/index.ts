import { eventsPage } from './events-page.js';
import { machinePage } from './machine-page.js';
import { overviewPage } from './overview-page.js';
import type { PageDef } from './page-def.js';
import { queryPage } from './query-page.js';
import { spcPage } from './spc-page.js';
import { systemPage } from './system-page.js';
import { hubPage } from './hub-page.js';

/** Every page, in navigation order. A new page is one file exporting a PageDef and one line here. */
export const PAGES: readonly PageDef[] = [overviewPage, machinePage, spcPage, eventsPage, queryPage, systemPage, hubPage];

export function pageFor(segment: string | undefined): PageDef | undefined {
  return PAGES.find((p) => p.segment === (segment ?? ''));
}

export type { PageDef } from './page-def.js';
