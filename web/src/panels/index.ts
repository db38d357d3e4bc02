import { alarmsPanel, machineAlarmsPanel } from './alarms-panel.js';
import { anomaliesPanel, modelsPanel } from './inference-panel.js';
import { kpiPanel } from './kpi-panel.js';
import { healthPanel, ingestPanel, nodePanel } from './node-panels.js';
import { opcuaCertificatesPanel } from './opcua-certificates-panel.js';
import type { PanelDef, PanelSlot } from './panel-def.js';
import { machineFaultsPanel, simFaultsPanel } from './sim-faults-panel.js';
import { spcViolationsPanel } from './spc-violations-panel.js';
import { syncPanel } from './sync-panel.js';

/**
 * Every panel, by the page slot it fills. A capability adds its panel here:
 * one file exporting a PanelDef, one line in this list.
 */
export const PANELS: readonly PanelDef[] = [
  kpiPanel,
  alarmsPanel,
  spcViolationsPanel,
  anomaliesPanel,
  nodePanel,
  ingestPanel,
  healthPanel,
  syncPanel,
  modelsPanel,
  opcuaCertificatesPanel,
  simFaultsPanel,
  machineAlarmsPanel,
  machineFaultsPanel,
];

export function panelsFor(slot: PanelSlot): PanelDef[] {
  return PANELS.filter((p) => p.slot === slot).sort((a, b) => a.order - b.order);
}

export type { PanelDef, PanelSlot } from './panel-def.js';
