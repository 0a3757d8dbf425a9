import * as tf from '@tensorflow/tfjs-core';
import { CachedTeacherLogits, createOptimizer, LiveTeacher, type LossInstance, type Model, type TeacherSignal } from '@kdlab/core';
import { ceLoss, hintLoss, hintonLoss } from '@kdlab/losses';
import { cnnModel, fitnetModel, mlpModel, transformerModel } from '@kdlab/students';

/** The workloads `npm run bench` times, by name. */
export const STEP_WORKLOADS = ['mlp', 'kd', 'hint', 'cnn', 'transformer'] as const;

/** One of {@link STEP_WORKLOADS}. */
export type StepWorkload = (typeof STEP_WORKLOADS)[number];

/** A built workload: one training step as kdlab's trainer runs it, and what frees it. */
export interface KdlabStep {
  /** What it trains, in words. */
  description: string;
  /** Examples per step. */
  batchSize: number;
  /** Runs one step (all tensors it makes are freed). */
  step: () => void;
  /** Frees the models, losses, optimizer and data. */
  dispose: () => void;
}

const BATCH_SIZE = 128;
const IMAGE: readonly number[] = [28, 28, 1];
const NUM_CLASSES = 10;

/** A weighted loss of a step. */
interface Term {
  loss: LossInstance;
  weight: number;
}

/** A step function and the optimizer it owns. */
interface TrainerStep {
  step: () => void;
  optimizer: tf.Optimizer;
}

/** A fixed batch: pseudo-random images (as one `Float32Array`, uploaded every step like the trainer's batches) and labels. */
interface Batch {
  x: Float32Array;
  labels: Int32Array;
  indices: Int32Array;
}

function fixedBatch(): Batch {
  const size = BATCH_SIZE * IMAGE.reduce((product, side) => product * side, 1);
  const x = tf.tidy(() => tf.randomNormal([size], 0, 1, 'float32', 1).dataSync() as Float32Array);
  const labels = Int32Array.from({ length: BATCH_SIZE }, (_, index) => (index * 7) % NUM_CLASSES);
  const indices = Int32Array.from({ length: BATCH_SIZE }, (_, index) => (index * 37) % BATCH_SIZE);
  return { x, labels, indices };
}

function build<Options>(definition: { build(options: Options, context: { inputShape: readonly number[]; numClasses: number; seed: number }): Model; options: { parse(value: unknown): Options } }, options: unknown, seed: number): Model {
  return definition.build(definition.options.parse(options), { inputShape: IMAGE, numClasses: NUM_CLASSES, seed });
}

/**
 * One step exactly as `trainModel` (packages/core/src/engine/train-model.ts) runs it: the batch
 * uploaded, the teacher's outputs from the signal (outside the tape), the student forward in
 * training mode, each term once, the weighted sum differentiated with `tf.variableGrads` with respect
 * to the trained variables, the optimizer applied, and the loss, terms and hits read back.
 */
function trainerStep(model: Model, terms: Term[], variables: tf.Variable[], teacher: TeacherSignal | undefined, batch: Batch): TrainerStep {
  const optimizer = createOptimizer({ kind: 'adam', learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
  const step = (): void => {
    const stats = tf.tidy(() => {
      const x = tf.tensor(batch.x, [BATCH_SIZE, ...IMAGE]);
      const labels = tf.tensor1d(batch.labels, 'int32');
      const outputs = teacher?.outputs(batch.indices, x);
      let kept: tf.Tensor | undefined;
      const { grads } = tf.variableGrads(() => {
        const student = model.forward(x, { training: true });
        const values = terms.map((term) => term.loss.compute({ student, labels, indices: batch.indices, training: true, ...(outputs ? { teacher: outputs } : {}) }));
        const total = tf.addN(values.map((value, index) => tf.mul(value, terms[index]!.weight))) as tf.Scalar;
        const hits = tf.sum(tf.cast(tf.equal(tf.argMax(student.logits, 1), labels), 'float32'));
        kept = tf.keep(tf.stack([total, ...values, hits]));
        return total;
      }, variables);
      optimizer.applyGradients(grads);
      return kept!;
    });
    stats.dataSync();
    stats.dispose();
  };
  return { step, optimizer };
}

function lossContext(student: Model, teacher: Model | undefined): Parameters<typeof ceLoss.create>[1] {
  return {
    numClasses: NUM_CLASSES,
    studentFeatureShapes: student.featureShapes(),
    teacherFeatureShapes: teacher?.featureShapes() ?? {},
    hasTeacher: teacher !== undefined,
    seed: 0,
    trainSize: BATCH_SIZE,
  };
}

function finish(description: string, { step, optimizer }: TrainerStep, models: Model[], terms: Term[]): KdlabStep {
  return {
    description,
    batchSize: BATCH_SIZE,
    step,
    dispose: () => {
      optimizer.dispose();
      terms.forEach((term) => term.loss.dispose());
      models.forEach((model) => model.dispose());
    },
  };
}

/**
 * Builds a workload with kdlab's own model families, losses, teacher signal and optimizer, on the
 * active backend: the same architectures, losses, batch size (128) and optimizer (Adam 1e-3) as
 * `bench/pytorch/step_worker.py`.
 */
export function buildKdlabStep(workload: StepWorkload): KdlabStep {
  const batch = fixedBatch();
  switch (workload) {
    case 'mlp': {
      const model = build(mlpModel, { hidden: [1200, 1200] }, 1);
      const terms = [{ loss: ceLoss.create(ceLoss.options.parse({}), lossContext(model, undefined)), weight: 1 }];
      return finish('MLP 784-1200-1200-10, ce', trainerStep(model, terms, model.trainableVariables(), undefined, batch), [model], terms);
    }
    case 'kd': {
      const teacher = build(mlpModel, { hidden: [1200, 1200] }, 2);
      const student = build(mlpModel, { hidden: [800, 800] }, 3);
      // The engine caches the teacher's logits over the training set once (teacher-signal.ts); here
      // over the one batch, gathered per step by example index.
      const logits = tf.tidy(() => teacher.forward(tf.tensor(batch.x, [BATCH_SIZE, ...IMAGE]), { training: false }).logits.dataSync() as Float32Array);
      const signal = new CachedTeacherLogits(logits, NUM_CLASSES);
      const context = lossContext(student, teacher);
      const terms = [
        { loss: ceLoss.create(ceLoss.options.parse({}), context), weight: 0.3 },
        { loss: hintonLoss.create(hintonLoss.options.parse({ temperature: 4 }), context), weight: 0.7 },
      ];
      return finish('KD 1200-1200 -> 800-800, 0.3 ce + 0.7 hinton(T=4), cached teacher logits', trainerStep(student, terms, student.trainableVariables(), signal, batch), [teacher, student], terms);
    }
    case 'hint': {
      const teacher = build(cnnModel, { channels: [32, 64], dense: [128] }, 4);
      const student = build(fitnetModel, { depth: 9, width: 16 }, 5);
      const terms = [{ loss: hintLoss.create(hintLoss.options.parse({ student: 'block4', teacher: 'block2' }), lossContext(student, teacher)), weight: 1 }];
      // The engine's choice for a loss that reads teacher features: a live teacher forward per batch.
      const signal = new LiveTeacher(teacher, ['block2']);
      const variables = [...student.variablesUpTo('block4'), ...terms[0]!.loss.variables];
      return finish(
        'FitNets stage 1: fitnet(depth 9, width 16) block4 -> cnn[32,64] block2, 1x1 regressor, teacher forward',
        trainerStep(student, terms, variables, signal, batch),
        [teacher, student],
        terms,
      );
    }
    case 'cnn': {
      const model = build(cnnModel, { channels: [32, 64], pool: ['none', 'max'], dense: [128] }, 6);
      const terms = [{ loss: ceLoss.create(ceLoss.options.parse({}), lossContext(model, undefined)), weight: 1 }];
      return finish('CNN conv32-conv64-pool-128-10, ce', trainerStep(model, terms, model.trainableVariables(), undefined, batch), [model], terms);
    }
    case 'transformer': {
      const model = build(transformerModel, { embedding: 'patches', patchSize: 4, hidden: 64, layers: 2, heads: 4 }, 7);
      const terms = [{ loss: ceLoss.create(ceLoss.options.parse({}), lossContext(model, undefined)), weight: 1 }];
      return finish('patch transformer (patch 4, hidden 64, 2 layers, 4 heads, 50 tokens), ce', trainerStep(model, terms, model.trainableVariables(), undefined, batch), [model], terms);
    }
  }
}
