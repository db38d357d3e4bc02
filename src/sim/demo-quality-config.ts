import type { SiteConfigInput } from '../config/index.js';

/**
 * SPC characteristics of the demo plant: the lathe's part diameter (X̄-R, n = 5,
 * whose tool wear trips the trend and zone rules), fill volume (I-MR and EWMA),
 * label defects per 500 labels and camera rejects per 25 pictures (p-charts from counters).
 */
export function demoSpcConfig(): NonNullable<SiteConfigInput['spc']> {
  return {
    characteristics: [
      {
        id: 'cnc1-diameter',
        name: 'CNC1 shaft diameter',
        tag: 'cnc1.lathe.part_diameter',
        chart: 'xbar-r',
        subgroup: { size: 5 },
        spec: { lsl: 24.95, usl: 25.05, target: 25 },
        rules: { nelson3: true },
        baseline: { mode: 'phase1', subgroups: 20 },
      },
      {
        id: 'filler-volume',
        name: 'Line 1 fill volume',
        tag: 'line1.filler.fill_volume',
        chart: 'imr',
        spec: { lsl: 496, usl: 504, target: 500 },
        baseline: { mode: 'phase1', subgroups: 25 },
      },
      {
        id: 'filler-volume-ewma',
        name: 'Line 1 fill volume (EWMA)',
        tag: 'line1.filler.fill_volume',
        chart: 'ewma',
        spec: { lsl: 496, usl: 504, target: 500 },
        ewma: { lambda: 0.2, L: 3 },
        baseline: { mode: 'phase1', subgroups: 25 },
      },
      {
        id: 'label-defects',
        name: 'Line 1 label defects (share of 500 labels)',
        tag: 'line1.labeller.defects',
        sizeTag: 'line1.labeller.labels',
        chart: 'p',
        subgroup: { size: 500 },
        rules: { we4: false },
        baseline: { mode: 'phase1', subgroups: 20 },
      },
      {
        id: 'camera1-rejects',
        name: 'Camera 1 reject rate per 25 bottles',
        inspection: 'camera1',
        chart: 'p',
        subgroup: { size: 25 },
        baseline: { mode: 'phase1', subgroups: 20 },
      },
    ],
  };
}

/** Alarms of the demo plant's line 1, lathe and utilities. */
export function demoAlarmsConfig(): NonNullable<SiteConfigInput['alarms']> {
  return {
    tags: [
      { tag: 'line1.filler.product_temp', hi: { limit: 10 }, hihi: { limit: 15 }, deadband: 0.5, onDelay: '2s' },
      { tag: 'line1.filler.fill_volume', deviation: { setpoint: 500, limit: 4, priority: 'low' }, onDelay: '5s', offDelay: '5s' },
      { tag: 'line1.filler.state', discrete: { values: [3], priority: 'high', message: 'Line 1 filler faulted' } },
      { tag: 'cnc1.lathe.part_diameter', hi: { limit: 25.05 }, lo: { limit: 24.95 }, priority: 'high' },
      { tag: 'utilities.compressor1.pressure', lolo: { limit: 5.5 }, lo: { limit: 6 }, hi: { limit: 8 }, hihi: { limit: 8.5 }, deadband: 0.1, onDelay: '2s' },
      { tag: 'utilities.chiller1.supply_temp', hi: { limit: 8 }, hihi: { limit: 12 }, rate: { limit: 3, per: '1m', priority: 'low' }, deadband: 0.3, onDelay: '2s' },
    ],
  };
}
