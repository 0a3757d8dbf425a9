import { createRootContainer, pluginRegistries } from '@kdlab/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { cnnModel, fitnetModel, mlpModel, resnetModel, studentsModule, transformerModel } from '../src/index.js';
import { useCpuBackend } from './use-cpu-backend.js';

describe('studentsModule', () => {
  beforeAll(useCpuBackend);

  it('registers every family in a container', () => {
    const registries = pluginRegistries(createRootContainer(studentsModule));
    for (const definition of [mlpModel, cnnModel, fitnetModel, resnetModel, transformerModel]) {
      expect(registries.models.ids()).toContain(definition.id);
      expect(registries.models.get(definition.id)).toBe(definition);
    }
  });

  it('lets the registered definition parse options and build a model', () => {
    const definition = pluginRegistries(createRootContainer(studentsModule)).models.get('mlp');
    const model = definition.build(definition.options.parse({ hidden: [8] }), { inputShape: [4], numClasses: 3, seed: 0 });
    expect(model.paramCount()).toBe(4 * 8 + 8 + 8 * 3 + 3);
    model.dispose();
  });
});
