// Type tests, checked by `tsc -p tsconfig.spec.json` (part of `npm test`): what an experiment file may
// and may not say. A line marked @ts-expect-error that compiles fails the check.
import { defineExperiment, linearDecay, magnitudePrune } from '@kdlab/core';
import { ce, hinton } from '@kdlab/losses';
import { mlp } from '@kdlab/students';

const base = {
  name: 'types',
  teacher: { model: mlp({ hidden: [64] }) },
  student: { model: mlp({ hidden: [16] }) },
};

defineExperiment({ ...base, losses: [ce({ weight: 0.3 }), hinton({ temperature: 4, weight: 0.7 })] });
defineExperiment({ ...base, stages: [{ epochs: 2, losses: [hinton({ weight: linearDecay(4, 1) })] }] });
defineExperiment({ ...base, teacher: { ensemble: [{ model: mlp() }, { model: mlp({ hidden: [32] }), seed: 3 }], combine: 'mean-probs' }, losses: [hinton()] });
defineExperiment({ ...base, teacher: { model: mlp(), pretrain: { objective: 'mlm', epochs: 2, maskRate: 0.2, batchSize: 16 } }, losses: [ce()] });
// @ts-expect-error masked-language-model pre-training needs its epochs
defineExperiment({ ...base, teacher: { model: mlp(), pretrain: { objective: 'mlm' } }, losses: [ce()] });
// @ts-expect-error the pre-training objective is checked
defineExperiment({ ...base, teacher: { model: mlp(), pretrain: { objective: 'clm', epochs: 1 } }, losses: [ce()] });

defineExperiment({ ...base, stages: [{ epochs: 2, losses: [ce()], prune: magnitudePrune({ sparsity: 0.9, schedule: 'polynomial', endEpoch: 2 }) }] });
defineExperiment({ ...base, stages: [{ epochs: 2, losses: [ce()], prune: { kind: 'magnitude', sparsity: 0.9, scope: 'global' } }] });
// @ts-expect-error a misspelt option of a raw, known pruning is a compile error
defineExperiment({ ...base, stages: [{ epochs: 2, losses: [ce()], prune: { kind: 'magnitude', sparsty: 0.9 } }] });
// @ts-expect-error an unknown pruning id is a compile error
defineExperiment({ ...base, stages: [{ epochs: 2, losses: [ce()], prune: { kind: 'random', sparsity: 0.9 } }] });
// @ts-expect-error the pruning helper checks its options' types
defineExperiment({ ...base, stages: [{ epochs: 2, losses: [ce()], prune: magnitudePrune({ sparsity: 0.9, scope: 'tensor' }) }] });

// @ts-expect-error an unknown loss id is a compile error
defineExperiment({ ...base, losses: [{ kind: 'no-such-loss', weight: 1 }] });
// @ts-expect-error a misspelt option of a known loss is a compile error
defineExperiment({ ...base, losses: [hinton({ temprature: 4 })] });
// @ts-expect-error a wrongly typed option is a compile error
defineExperiment({ ...base, losses: [hinton({ temperature: '4' })] });
// @ts-expect-error a misspelt option of a raw, known model spec is a compile error
defineExperiment({ ...base, student: { model: { kind: 'mlp', hiden: [8] } }, losses: [ce()] });
defineExperiment({ ...base, student: { model: { kind: 'resnet', depth: 8, widen: 2 } }, losses: [ce()] });
// @ts-expect-error an unknown model id is a compile error
defineExperiment({ ...base, student: { model: { kind: 'no-such-model' } }, losses: [ce()] });
// @ts-expect-error a weight is a number or a schedule
defineExperiment({ ...base, losses: [ce({ weight: 'half' })] });
// @ts-expect-error the optimizer kind is checked
defineExperiment({ ...base, losses: [ce()], train: { optimizer: { kind: 'adagrad' } } });
