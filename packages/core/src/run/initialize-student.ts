import type { ResolvedExperiment } from '../experiment/resolve-experiment.js';
import type { Model } from '../model/model.js';
import { FieldError } from '../errors/field-error.js';

/**
 * Initialises a student from its teacher as `student.init` asks (DistilBERT: every other layer),
 * when it asks. The teacher is undefined for an ensemble, which cannot serve.
 *
 * @throws FieldError of field `student.init` when the student's family cannot be initialised from a
 *   teacher, when the teacher is an ensemble, or when the two architectures do not fit together.
 */
export function initializeStudent(experiment: ResolvedExperiment, student: Model, teacher: Model | undefined): void {
  const init = experiment.student.init;
  if (!init) return;
  if (!student.initializeFrom) throw new FieldError('student.init', `the ${student.kind} family cannot be initialised from a teacher.`);
  if (!teacher) throw new FieldError('student.init', 'initialising from the teacher needs a single teacher, not an ensemble.');
  try {
    student.initializeFrom(teacher, init.fromTeacher);
  } catch (error) {
    throw new FieldError('student.init', (error as Error).message, { cause: error });
  }
}
