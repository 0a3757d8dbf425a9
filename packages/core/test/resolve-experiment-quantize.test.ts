import { describe, expect, it } from 'vitest';
import { configHash } from '../../runner/src/config-hash.js';
import { resolveExperiment } from '../src/experiment/resolve-experiment.js';
import { fakeRegistries, validationErrorOf } from './support/fake-registries.js';

const registries = fakeRegistries();

const valid = {
  name: 'study',
  teacher: { model: { kind: 'mlp', hidden: [32] } },
  student: { model: { kind: 'mlp' } },
  losses: [{ kind: 'ce', weight: 1 }],
};

function issuePaths(raw: unknown): string[] {
  return validationErrorOf(() => resolveExperiment(raw, registries, 'x.ts')).issues.map((issue) => issue.path);
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
