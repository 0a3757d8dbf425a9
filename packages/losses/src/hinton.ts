import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { defineLoss, lossHelper, type LossInputs, type LossInstance } from '@kdlab/core';
import { checkLogits, checkNumClasses, checkSameShape } from './check-inputs.js';
import { stopGradient } from './stop-gradient.js';
import type { LossDocumentation } from './docs/loss-documentation.js';

/** Options of the `hinton` loss; every field has a default. */
export const hintonOptions = z.strictObject({
  /** Softmax temperature `T` applied to both models' logits, a finite number above 0. Default 4. */
  temperature: z
    .number({ error: 'temperature must be a number above 0.' })
    .positive({ error: 'temperature must be above 0 (it divides the logits).' })
    .default(4)
    .describe('Softmax temperature T applied to both models\' logits.'),
  /**
   * With a teacher ensemble: distil from each member separately and sum the terms,
   * `Σ_m T²·KL(softmax(t_m/T) ‖ softmax(s/T))`, instead of from the members' combined logits. Default false.
   */
  perTeacher: z
    .boolean({ error: 'perTeacher must be true or false.' })
    .default(false)
    .describe("With a teacher ensemble: the sum over members of each member's KL term, instead of the KL to the combined logits."),
  /**
   * Multiply the KL by `T²` (Hinton et al.). False gives the stage-2 cost of FitNets (Romero et al.
   * 2015, and their code), whose soft term has no `T²` factor. Absent means true. (Optional without a
   * default, so that experiments written before it keep their config hash, and their finished trials.)
   */
  scaleByTemperatureSquared: z
    .boolean({ error: 'scaleByTemperatureSquared must be true or false.' })
    .optional()
    .describe('Multiply the KL by T² (Hinton et al.; absent means true); false gives FitNets\' stage-2 soft term, which has no T² factor.'),
});

/** The parsed, defaulted options of the `hinton` loss. */
export type HintonOptions = z.output<typeof hintonOptions>;

/**
 * Hinton et al.'s soft-target distillation loss between the teacher's logits `t` and the
 * student's logits `s`, at temperature `T`, over a batch of size `B`:
 *
 * `L = T² · (1/B) Σ_b KL(softmax(t_b/T) ‖ softmax(s_b/T))`
 * `  = T² · (1/B) Σ_b Σ_k p_bk · (log p_bk − log q_bk)`, with `p = softmax(t/T)`, `q = softmax(s/T)`.
 *
 * The KL is summed over classes and averaged over the batch (PyTorch's `kl_div(reduction='batchmean')`,
 * not a mean over every element). The `T²` factor keeps the gradient's magnitude independent of `T`,
 * so the term can be weighted against the hard-label loss. The teacher's logits are constants: no
 * gradient flows into them. Log-probabilities come from a log-softmax, so it is stable for large logits.
 * With `scaleByTemperatureSquared: false` the factor is 1: FitNets' soft term `CE(P_T^τ, P_S^τ)`, whose
 * gradient this is (their cross-entropy adds the teacher's entropy, a constant of the student).
 *
 * Reference: Hinton, Vinyals, Dean 2015, "Distilling the Knowledge in a Neural Network", arXiv:1503.02531.
 */
export const hintonLoss = defineLoss({
  id: 'hinton',
  description: "Soft-target KD: T² · KL(softmax(teacher/T) ‖ softmax(student/T)), batch-mean.",
  reference: 'Hinton, Vinyals, Dean 2015, "Distilling the Knowledge in a Neural Network", arXiv:1503.02531',
  options: hintonOptions,
  needs: () => ({ teacherLogits: true, studentFeatures: [], teacherFeatures: [] }),
  create(options, context): LossInstance {
    if (!context.hasTeacher) {
      throw new Error(
        'hinton loss: this run has no teacher, but the hinton loss distils from the teacher\'s logits. ' +
          'Add a teacher to the experiment or remove the hinton term.',
      );
    }
    checkNumClasses('hinton', context.numClasses);
    if (options.perTeacher && (context.teacherCount ?? 1) < 2) {
      throw new Error(`hinton loss: perTeacher sums one term per member of a teacher ensemble, but this run has ${context.teacherCount ?? 1} teacher.`);
    }
    const { numClasses } = context;
    const temperature = options.temperature;
    const scale = options.scaleByTemperatureSquared === false ? 1 : temperature * temperature;
    const klTerm = (teacherLogits: tf.Tensor2D, studentLogits: tf.Tensor2D): tf.Scalar =>
      tf.tidy(() => {
        const teacherLogProbs = tf.logSoftmax(tf.div(stopGradient(teacherLogits), temperature));
        const studentLogProbs = tf.logSoftmax(tf.div(studentLogits, temperature));
        const teacherProbs = tf.exp(teacherLogProbs);
        const klPerExample = tf.sum(tf.mul(teacherProbs, tf.sub(teacherLogProbs, studentLogProbs)), -1);
        return tf.mul(tf.mean(klPerExample), scale) as tf.Scalar;
      });
    return {
      variables: [],
      compute(inputs: LossInputs): tf.Scalar {
        if (!inputs.teacher) {
          throw new Error('hinton loss: compute() was given no teacher outputs (inputs.teacher is undefined).');
        }
        const studentLogits = inputs.student.logits;
        const teacherLogits = inputs.teacher.logits;
        checkLogits('hinton', 'student logits', studentLogits, numClasses);
        checkSameShape('hinton', studentLogits, teacherLogits);
        if (!options.perTeacher) return klTerm(teacherLogits, studentLogits);
        const members = inputs.teacher.members ?? [];
        if (members.length < 2) throw new Error(`hinton loss (perTeacher): the teacher outputs carry ${members.length} member(s); an ensemble has at least 2.`);
        return tf.tidy(() => tf.addN(members.map((member) => klTerm(member.logits, studentLogits))) as tf.Scalar);
      },
      dispose(): void {},
    };
  },
});

/**
 * Experiment helper of the `hinton` loss: `hinton({ temperature: 4, weight: 0.7 })`.
 * Returns plain data `{ kind: 'hinton', ... }`, validated against {@link hintonOptions} when the experiment is resolved.
 */
export const hinton = lossHelper(hintonLoss);

/** The documentation page of the `hinton` loss (`docs/losses/hinton.md`), rendered by `scripts/generate-loss-docs.ts`. */
export const hintonDocumentation: LossDocumentation = {
  loss: hintonLoss,
  title: 'soft targets (Hinton et al. 2015)',
  formula: [
    'L = T² · (1/B) Σ_b KL(softmax(t_b/T) ‖ softmax(s_b/T))',
    '  = T² · (1/B) Σ_b Σ_k p_bk · (log p_bk − log q_bk),   p = softmax(t/T), q = softmax(s/T)',
  ],
  details: [
    'KL from the teacher\'s distribution to the student\'s, summed over classes and averaged over the batch: PyTorch `F.kl_div(F.log_softmax(s/T), F.softmax(t/T), reduction=\'batchmean\') * T*T`.',
    'The `T²` factor keeps gradient magnitudes independent of `T`.',
    '`scaleByTemperatureSquared: false` drops it: the soft term of FitNets\' stage 2 (Romero et al. 2015 and their code: `λ_teach · CE(P_T^τ, P_S^τ)` with no `T²`), whose gradient is this KL\'s (the cross-entropy adds the teacher\'s entropy, which does not depend on the student).',
    'The teacher\'s logits are constants (`stopGradient`): no gradient reaches the teacher.',
    'With a teacher ensemble the teacher\'s logits are the members\' combination (`teacher.combine`); `perTeacher: true` instead sums one such term per member, `Σ_m T²·KL(softmax(t_m/T) ‖ softmax(s/T))`.',
  ],
  example: { temperature: 4 },
  exampleWeight: 0.7,
};
