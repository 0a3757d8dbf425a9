import type { ContainerModule } from 'inversify';
import { expect } from 'vitest';
import { createRootContainer, pluginRegistries, type PluginRegistries } from '../../src/container/create-container.js';
import { pluginModule } from '../../src/container/plugin-module.js';
import { ExperimentValidationError } from '../../src/experiment/validation-error.js';
import { fakeCe, fakeDigits, fakeHinton, fakeMlp } from './fake-plugins.js';

/** The registries of the fake plugins (`ce`, `hinton`, `mlp`, `mnist-10k`), with `modules` loaded too. */
export function fakeRegistries(...modules: ContainerModule[]): PluginRegistries {
  return pluginRegistries(createRootContainer(pluginModule({ losses: [fakeCe, fakeHinton], models: [fakeMlp], datasets: [fakeDigits] }), ...modules));
}

/** The {@link ExperimentValidationError} that `resolve` throws; the test fails when it throws anything else, or nothing. */
export function validationErrorOf(resolve: () => unknown): ExperimentValidationError {
  try {
    resolve();
  } catch (error) {
    expect(error).toBeInstanceOf(ExperimentValidationError);
    return error as ExperimentValidationError;
  }
  throw new Error('expected a validation error');
}
