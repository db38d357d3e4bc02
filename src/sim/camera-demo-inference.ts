/**
 * The `inference:` section of the demo site (examples/demo-site.yaml carries
 * the same, commented): online detectors on the bottling line and utilities,
 * a seasonal baseline for the compressor's load/unload cycle and the lathe's
 * tool life, the shipped PCA model of the lathe, and the simulated inspection
 * camera with the shipped bottle classifier.
 */
export function demoInferenceConfig() {
  return {
    detectors: [
      {
        type: 'robust-z' as const,
        name: 'filler',
        tags: ['line1.filler.bowl_pressure', 'line1.filler.motor_current'],
        threshold: 6,
        halfLife: '30m',
        when: { tag: 'line1.filler.state', in: [2], settle: '30s' },
      },
      {
        type: 'seasonal' as const,
        name: 'compressor-cycle',
        tags: ['utilities.compressor1.motor_current'],
        phaseTag: 'utilities.compressor1.state',
        phaseRange: [0.5, 2.5] as [number, number],
        bins: 2,
        threshold: 6,
        confirm: 2,
        when: { tag: 'utilities.compressor1.state', in: [1, 2], settle: '10s' },
      },
      {
        type: 'seasonal' as const,
        name: 'lathe-tool-life',
        tags: ['cnc1.lathe.spindle_load'],
        phaseTag: 'cnc1.lathe.tool_wear',
        phaseRange: [0, 100] as [number, number],
        bins: 10,
        threshold: 6,
        when: { tag: 'cnc1.lathe.state', in: [2], settle: '30s' },
      },
    ],
    models: [{ file: 'models/lathe-pca.onnx' }, { file: 'models/bottle-inspector.onnx' }],
    cameras: [
      {
        id: 'camera1',
        asset: 'acme/demo/bottling/line1',
        model: 'bottle-inspector',
        source: { type: 'sim' as const, interval: '2s', seed: 7, defectRate: 0.03 },
      },
    ],
  };
}
