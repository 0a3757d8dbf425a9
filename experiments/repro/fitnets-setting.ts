// The setting the FitNets studies of the results page share (study 6, fitnets-mnist; study 7,
// fitnets-depth): the teacher and the students' training, so that one cached teacher per dataset
// serves every arm, and the plain-backprop baseline is trained once per student and seed.
import { linearDecay, magnitudePrune, type ExperimentDefinition, type TeacherMemberInput } from '@kdlab/core';
import { ce, hint, hinton } from '@kdlab/losses';
import { cnn, fitnet } from '@kdlab/students';

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

/** Study 6's thin-deep student: 9 conv layers of 8, 16 and 32 channels, 30,522 parameters. */
export const FITNETS_STUDENT = fitnet({ depth: 9, width: 8 });

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

/** Where the hints + KD arm's stage 1 connects the student to the teacher, and how the budget is split. */
export interface FitnetsStagesOptions {
  /** The student's guided layer (a tap): stage 1 trains the student up to it. */
  guided: string;
  /** The teacher's hint layer (a tap of {@link FITNETS_TEACHER}). Default `block2`, its middle conv block (14x14x64). */
  hint?: string;
  /** Epochs of stage 1 (hints). Default 5. */
  hintEpochs?: number;
  /** Epochs of both stages together: the students' budget. Default {@link FITNETS_STUDENT_TRAIN}'s. */
  totalEpochs?: number;
}

/**
 * FitNets' two stages: (1) the student up to its guided layer, with the regressor, learns to
 * reproduce the teacher's hint layer (after its ReLU, through a ReLU regressor as in the authors'
 * code); (2) the whole student with the KD cost above, for the rest of the budget.
 */
export function fitnetsStages(options: FitnetsStagesOptions): NonNullable<ExperimentDefinition['stages']> {
  const { guided, hint: hintLayer = 'block2', hintEpochs = 5, totalEpochs = FITNETS_STUDENT_TRAIN.epochs } = options;
  return [
    { name: 'hints', epochs: hintEpochs, trainable: { upTo: guided }, losses: [hint({ student: guided, teacher: hintLayer, regressor: 'auto', activation: 'relu', weight: 1 })] },
    { name: 'kd', epochs: totalEpochs - hintEpochs, losses: FITNETS_KD_LOSSES },
  ];
}

/**
 * The depth series of study 7: thin-deep students of about 30K parameters (27.6K to 30.5K), from 3
 * conv layers to 19; each stage's width doubles the previous one's (w, 2w, 4w).
 */
export const FITNETS_DEPTH_SERIES = [
  fitnet({ depth: 3, width: 18 }),
  fitnet({ depth: 6, width: 10 }),
  fitnet({ depth: 9, width: 8 }),
  fitnet({ depth: 13, width: 6 }),
  fitnet({ depth: 19, width: 5 }),
];

/** The depth series' training: study 6's students' optimizer and schedule, 10 epochs (3 of them hints in the hints + KD arm). */
export const FITNETS_DEPTH_TRAIN = { ...FITNETS_STUDENT_TRAIN, epochs: 10 } satisfies ExperimentDefinition['train'];

/**
 * The compression study's (study 8) pruned teacher: the trained teacher itself (`student.init` copy),
 * pruned to 90% of every kernel along the polynomial schedule over 3 epochs and fine-tuned one more, on
 * the hard labels with Adam at 1e-4.
 */
export const COMPRESSION_TEACHER_PRUNED = {
  student: { model: FITNETS_TEACHER.model, init: { fromTeacher: 'copy' } },
  stages: [{ name: 'prune', epochs: 4, losses: [ce({ weight: 1 })], prune: magnitudePrune({ sparsity: 0.9, schedule: 'polynomial', endEpoch: 3, frequency: 50 }) }],
  train: { epochs: 4, batchSize: 128, optimizer: { kind: 'adam', learningRate: 1e-4 } },
  baseline: false,
} satisfies Partial<ExperimentDefinition>;

/**
 * The compression study's distilled + pruned student: study 6's KD student (its 20 epochs of the authors'
 * KD cost), then 5 more epochs of the same cost while 75% of every kernel is pruned (polynomial over 4
 * epochs). No baseline: the table compares with the teacher.
 */
export const COMPRESSION_STUDENT_PRUNED = {
  student: { model: FITNETS_STUDENT },
  stages: [
    { name: 'kd', epochs: FITNETS_STUDENT_TRAIN.epochs, losses: FITNETS_KD_LOSSES },
    { name: 'prune', epochs: 5, losses: FITNETS_KD_LOSSES, prune: magnitudePrune({ sparsity: 0.75, schedule: 'polynomial', endEpoch: 4, frequency: 50 }) },
  ],
  train: { ...FITNETS_STUDENT_TRAIN, epochs: FITNETS_STUDENT_TRAIN.epochs + 5 },
  baseline: false,
} satisfies Partial<ExperimentDefinition>;
