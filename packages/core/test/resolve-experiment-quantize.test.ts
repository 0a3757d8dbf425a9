import { describe, expect, it } from 'vitest';
import { createRootContainer, pluginRegistries } from '../src/container/create-container.js';
import { pluginModule } from '../src/container/plugin-module.js';
import { configHash } from '../../runner/src/config-hash.js';
import { ExperimentValidationError } from '../src/experiment/validation-error.js';
import { resolveExperiment } from '../src/experiment/resolve-experiment.js';
import { fakeCe, fakeDigits, fakeHinton, fakeMlp } from './support/fake-plugins.js';

const registries = pluginRegistries(createRootContainer(pluginModule({ losses: [fakeCe, fakeHinton], models: [fakeMlp], datasets: [fakeDigits] })));

const valid = {
  name: 'study',
  teacher: { model: { kind: 'mlp', hidden: [32] } },
  student: { model: { kind: 'mlp' } },
  losses: [{ kind: 'ce', weight: 1 }],
};

function issuePaths(raw: unknown): string[] {
  try {
    resolveExperiment(raw, registries, 'x.ts');
  } catch (error) {
    expect(error).toBeInstanceOf(ExperimentValidationError);
    return (error as ExperimentValidationError).issues.map((issue) => issue.path);
  }
  throw new Error('expected a validation error');
}

describe('evaluate.quantize', () => {
  it('is kept as given and enters the config hash; absent, nothing is added to the resolved experiment (recorded config hashes stay)', () => {
    expect(resolveExperiment({ ...valid, evaluate: { quantize: ['float16', 'uint8'] } }, registries, 'x.ts').evaluate).toEqual({ quantize: ['float16', 'uint8'] });
    const plain = resolveExperiment(valid, registries, 'x.ts');
    expect(plain.evaluate).toBeUndefined();
    expect(configHash(resolveExperiment({ ...valid, evaluate: {} }, registries, 'x.ts'))).not.toBe(configHash(resolveExperiment({ ...valid, evaluate: { quantize: ['uint8'] } }, registries, 'x.ts')));
  });

  it('rejects an unknown storage type, an empty list and a repeated type, at the field path', () => {
    expect(issuePaths({ ...valid, evaluate: { quantize: ['int4'] } })).toEqual(['evaluate.quantize.0']);
    expect(issuePaths({ ...valid, evaluate: { quantize: [] } })).toEqual(['evaluate.quantize']);
    expect(issuePaths({ ...valid, evaluate: { quantize: ['uint8', 'uint8'] } })).toEqual(['evaluate.quantize']);
  });
});
