import { createRootContainer, pluginRegistries } from '@kdlab/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { mlpModel, studentsModule } from '../src/index.js';
import { useCpuBackend } from './use-cpu-backend.js';

describe('studentsModule', () => {
  beforeAll(useCpuBackend);

  it('registers the mlp family in a container', () => {
    const registries = pluginRegistries(createRootContainer(studentsModule));
    expect(registries.models.ids()).toContain('mlp');
    expect(registries.models.get('mlp')).toBe(mlpModel);
  });

  it('lets the registered definition parse options and build a model', () => {
    const definition = pluginRegistries(createRootContainer(studentsModule)).models.get('mlp');
    const model = definition.build(definition.options.parse({ hidden: [8] }), { inputShape: [4], numClasses: 3, seed: 0 });
    expect(model.paramCount()).toBe(4 * 8 + 8 + 8 * 3 + 3);
    model.dispose();
  });
});
