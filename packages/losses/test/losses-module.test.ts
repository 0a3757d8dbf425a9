import { createRootContainer, pluginRegistries } from '@kdlab/core';
import { describe, expect, it } from 'vitest';
import { allLosses, ceLoss, hintonLoss, lossesModule } from '../src/index.js';

describe('lossesModule', () => {
  it('makes ce and hinton listable in a root container', () => {
    const registries = pluginRegistries(createRootContainer(lossesModule));
    expect(registries.losses.ids()).toEqual(['ce', 'hinton']);
    expect(registries.losses.list()).toHaveLength(allLosses.length);
  });

  it('makes each loss selectable by its id', () => {
    const registries = pluginRegistries(createRootContainer(lossesModule));
    expect(registries.losses.get('ce')).toBe(ceLoss);
    expect(registries.losses.get('hinton')).toBe(hintonLoss);
    expect(() => registries.losses.get('hintn')).toThrow(/Unknown loss "hintn".*ce, hinton/);
  });

  it('gives every loss a description and a reference', () => {
    for (const loss of allLosses) {
      expect(loss.description.length, loss.id).toBeGreaterThan(10);
      expect(loss.reference, loss.id).toBeTruthy();
    }
  });
});
