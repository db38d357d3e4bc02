import { describe, expect, it } from 'vitest';
import type { SiteAsset } from '../api/types.js';
import { assetTree, machineState } from './site-model.js';

const asset = (path: string, extra: Partial<SiteAsset> = {}): SiteAsset => ({ path, name: path.split('/').at(-1)!, kind: 'machine', description: '', ...extra });

describe('site model', () => {
  it('hangs each asset under its nearest declared ancestor, keeping config order', () => {
    const tree = assetTree([asset('acme'), asset('acme/p1/area/line1'), asset('acme/p1'), asset('acme/p1/area/line1/filler'), asset('other/x')]);
    expect(tree.map((n) => n.asset.path)).toEqual(['acme', 'other/x']);
    const p1 = tree[0]!.children[0]!;
    expect(p1.asset.path).toBe('acme/p1');
    expect(p1.children.map((n) => n.asset.path)).toEqual(['acme/p1/area/line1']);
    expect(p1.children[0]!.children.map((n) => n.asset.path)).toEqual(['acme/p1/area/line1/filler']);
  });

  it('reads machine states through the state map, booleans as 0/1', () => {
    const m = asset('m', { stateTag: 's', stateMap: { '0': 'off', '1': 'running', '3': 'faulted' } });
    expect(machineState(m, 3)).toBe('faulted');
    expect(machineState(m, true)).toBe('running');
    expect(machineState(m, 7)).toBeUndefined();
    expect(machineState(m, null)).toBeUndefined();
  });
});
