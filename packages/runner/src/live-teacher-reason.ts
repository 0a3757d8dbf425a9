import { augments } from '@kdlab/core';
import type { TrainStage } from '@kdlab/core';
import type { LossNeeds } from '@kdlab/core';

/**
 * Why a student's training needs its teacher to run on every batch (rather than the teacher's logits
 * cached once for the training set): a loss reads teacher features, or a stage augments its inputs
 * (the teacher must see the same augmented batch). Undefined when cached logits serve.
 *
 * @param needs - What the student's loss terms need, over all stages.
 * @param stages - The student's created stages.
 */
export function liveTeacherReason(needs: LossNeeds, stages: readonly TrainStage[]): string | undefined {
  if (stages.some((stage) => augments(stage.settings.augment))) return 'the student trains on augmented inputs, whose teacher outputs cannot be cached';
  if (needs.teacherFeatures.length > 0) return `a loss reads teacher features (${needs.teacherFeatures.join(', ')})`;
  return undefined;
}
