// The setting the FitNets studies of the results page share (study 6, fitnets-mnist; study 7,
// fitnets-depth): the teacher and the students' training, so that one cached teacher per dataset
// serves every arm, and the plain-backprop baseline is trained once per student and seed.
import { linearDecay, type ExperimentDefinition, type TeacherMemberInput } from '@kdlab/core';
import { ce, hint, hinton } from '@kdlab/losses';
import { cnn } from '@kdlab/students';

/**
 * The teacher: a convolutional net of about 350K parameters (the paper's MNIST teacher was a maxout
 * network of 361K): three 3x3 conv blocks of 32, 64 and 64 channels, each closed by 2x2 max pooling,
 * a dense layer of 500 ReLU units with dropout 0.5, logits. SGD with momentum 0.9 at 0.05 on a cosine
 * schedule, batch 128, inputs jittered by up to 2 pixels.
 */
export const FITNETS_TEACHER = {
  model: cnn({ channels: [32, 64, 64], dense: [500], dropout: 0.5 }),
  train: {
    epochs: 20,
    batchSize: 128,
    optimizer: { kind: 'sgd', learningRate: 0.05, momentum: 0.9 },
    schedule: { kind: 'cosine' },
    augment: { translate: 2 },
  },
} satisfies TeacherMemberInput;

/**
 * Every trained model (teacher, plain, KD, hints + KD) is also saved quantized to 8 and 16 bits and
 * measured after loading it back: the compression table's "quantized" rows come from these runs.
 */
export const FITNETS_EVALUATE = { quantize: ['uint8', 'float16'] } satisfies ExperimentDefinition['evaluate'];

/** The students' training (plain, KD and hints + KD alike): Adam at 1e-3 on a cosine schedule, batch 128. */
export const FITNETS_STUDENT_TRAIN = {
  epochs: 20,
  batchSize: 128,
  optimizer: { kind: 'adam', learningRate: 1e-3 },
  schedule: { kind: 'cosine' },
} satisfies ExperimentDefinition['train'];

/**
 * FitNets' stage-2 cost as the authors wrote it: `CE(y, P_S) + λ · CE(P_T^τ, P_S^τ)` at τ = 3, with
 * λ decaying linearly from 4 to 1 and no τ² factor (`scaleByTemperatureSquared: false`).
 */
export const FITNETS_KD_LOSSES = [ce({ weight: 1 }), hinton({ temperature: 3, weight: linearDecay(4, 1), scaleByTemperatureSquared: false })];

/**
 * FitNets' two stages: (1) the student up to its guided layer, with the regressor, learns to
 * reproduce the teacher's hint layer (the teacher's middle conv block, 14x14x64 after its ReLU,
 * through a ReLU regressor as in the authors' code); (2) the whole student with the KD cost above.
 *
 * @param guided - the student's guided layer (its middle conv layer).
 * @param hintEpochs - epochs of stage 1; stage 2 gets the rest of the students' budget.
 */
export function fitnetsStages(guided: string, hintEpochs = 5): NonNullable<ExperimentDefinition['stages']> {
  return [
    { name: 'hints', epochs: hintEpochs, trainable: { upTo: guided }, losses: [hint({ student: guided, teacher: 'block2', regressor: 'auto', activation: 'relu', weight: 1 })] },
    { name: 'kd', epochs: FITNETS_STUDENT_TRAIN.epochs - hintEpochs, losses: FITNETS_KD_LOSSES },
  ];
}
