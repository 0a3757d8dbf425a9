import type { ResolvedExperiment } from '@kdlab/core';
import type { Model } from '@kdlab/core';
import { FieldError } from '@kdlab/core';
import { copyWeights } from '@kdlab/core';

/**
 * Initialises a student from its teacher as `student.init` asks, when it asks: `copy` takes every
 * weight of a teacher of the same architecture (any family); `every-other-layer` is the family's own
 * (DistilBERT). The teacher is undefined for an ensemble, which cannot serve.
 *
 * @throws FieldError of field `student.init` when the student's family cannot be initialised from a
 *   teacher, when the teacher is an ensemble, or when the two architectures do not fit together.
 */
export function initializeStudent(experiment: ResolvedExperiment, student: Model, teacher: Model | undefined): void {
  const init = experiment.student.init;
  if (!init) return;
  if (!teacher) throw new FieldError('student.init', 'initialising from the teacher needs a single teacher, not an ensemble.');
  try {
    if (init.fromTeacher === 'copy') {
      copyWeights(teacher, student);
      return;
    }
    if (!student.initializeFrom) throw new FieldError('student.init', `the ${student.kind} family cannot be initialised from a teacher.`);
    student.initializeFrom(teacher, init.fromTeacher);
  } catch (error) {
    if (error instanceof FieldError) throw error;
    throw new FieldError('student.init', (error as Error).message, { cause: error });
  }
}
