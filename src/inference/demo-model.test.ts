import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { BottleCamera, BOTTLE_DEFECTS } from '../sim/index.js';
import { imageToTensor, loadOnnxModel, readVerdict, resolveModelPath, type ImageInput } from './index.js';

// The shipped model on pictures from a seed it never saw (it was trained on seed 1).
// Floors only: the real figures (2,000 pictures) come from `npm run bench -- inference-quality`.
describe('the shipped bottle inspector', () => {
  it('rejects defective bottles and passes good ones from an unseen seed', async () => {
    const model = await loadOnnxModel(await readFile(resolveModelPath('models/bottle-inspector.onnx')));
    const camera = new BottleCamera({ seed: 313_131 });
    let caught = 0;
    let rightClass = 0;
    let falseRejects = 0;
    const n = 40;
    for (let i = 0; i < n; i++) {
      const defect = BOTTLE_DEFECTS[i % BOTTLE_DEFECTS.length]!;
      for (const label of ['ok', defect] as const) {
        const shot = camera.image(2 * i + (label === 'ok' ? 0 : 1), label);
        const v = readVerdict(model.manifest, await model.run(imageToTensor(shot, model.manifest.input as ImageInput).data));
        if (label === 'ok' && v.verdict === 'reject') falseRejects++;
        if (label !== 'ok' && v.verdict === 'reject') caught++;
        if (label !== 'ok' && v.defect === label) rightClass++;
      }
    }
    await model.close();
    expect(caught / n).toBeGreaterThanOrEqual(0.9);
    expect(rightClass / n).toBeGreaterThanOrEqual(0.8);
    expect(falseRejects / n).toBeLessThanOrEqual(0.05);
  });
});
