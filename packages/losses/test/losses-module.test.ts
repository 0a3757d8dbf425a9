import { createRootContainer, pluginRegistries } from '@kdlab/core';
import { describe, expect, it } from 'vitest';
import { allLosses, ceLoss, hintonLoss, lossesModule } from '../src/index.js';

describe('lossesModule', () => {
  it('makes every loss listable in a root container', () => {
    const registries = pluginRegistries(createRootContainer(lossesModule));
    expect(registries.losses.ids()).toEqual(['at', 'ce', 'cosine', 'crd', 'dist', 'dkd', 'hint', 'hinton', 'nst', 'pkt', 'rkd', 'sp']);
    expect(registries.losses.list()).toHaveLength(allLosses.length);
  });

  it('makes each loss selectable by its id', () => {
    const registries = pluginRegistries(createRootContainer(lossesModule));
    expect(registries.losses.get('ce')).toBe(ceLoss);
    expect(registries.losses.get('hinton')).toBe(hintonLoss);
    for (const loss of allLosses) expect(registries.losses.get(loss.id)).toBe(loss);
    expect(() => registries.losses.get('hintn')).toThrow(/Unknown loss "hintn".*ce, cosine, .*hint, hinton/);
  });

  it('gives every loss a distinct id, a description and a reference', () => {
    expect(new Set(allLosses.map((loss) => loss.id)).size).toBe(allLosses.length);
    for (const loss of allLosses) {
      expect(loss.description.length, loss.id).toBeGreaterThan(10);
      expect(loss.reference, loss.id).toBeTruthy();
    }
  });
});
