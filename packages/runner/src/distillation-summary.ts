import type { ExperimentResult } from './trial-types.js';
import type { Role } from './run-reporter.js';

/** One model's line of the comparison. */
export interface SummaryRow {
  /** Teacher, ensemble, baseline or distilled. */
  role: Role;
  /** The run's name (`teacher`, `teacher-2`, ...). */
  name: string;
  /** Model family. */
  kind: string;
  /** Trainable parameters. */
  params: number;
  /** Test accuracy of the last epoch's weights. */
  testAccuracy: number;
  /** Test accuracy of the best-validation epoch's weights. */
  bestEpochTestAccuracy: number;
  /** The best-validation epoch. */
  bestEpoch: number;
  /** Top-1 agreement with the teacher on the test set (students only). */
  agreement?: number;
  /** Median single-example latency in ms. */
  latencyMs: number;
}

/** The numbers distillation studies quote, measured. */
export interface DistillationSummary {
  /** One row per model. */
  rows: SummaryRow[];
  /**
   * (distilled - baseline) / (teacher - baseline) on last-epoch test accuracy: the share of the
   * teacher's advantage the distilled student recovered. Undefined without a baseline, or when the
   * teacher is not better than the baseline (the ratio is then meaningless).
   */
  gapRecovered?: number;
  /** Distilled test accuracy / teacher test accuracy. */
  accuracyRetention: number;
  /** Teacher params / student params (all members' params for an ensemble). */
  compressionRatio: number;
  /** Teacher latency / student latency. */
  speedup: number;
}

/** Computes the comparison of an experiment's runs. */
export function summarizeDistillation(result: ExperimentResult): DistillationSummary {
  const roles = [...(result.members ?? []), result.teacher, ...(result.baseline ? [result.baseline] : []), result.distilled];
  const rows: SummaryRow[] = roles.map((role) => {
    const row: SummaryRow = {
      role: role.role,
      name: role.name,
      kind: role.kind,
      params: role.params,
      testAccuracy: role.training.testLast.accuracy,
      bestEpochTestAccuracy: role.training.testBest.accuracy,
      bestEpoch: role.training.bestEpoch,
      latencyMs: role.latencyMs,
    };
    if ((role.role === 'baseline' || role.role === 'distilled') && role.training.testLast.agreement !== undefined) row.agreement = role.training.testLast.agreement;
    return row;
  });
  const teacher = result.teacher.training.testLast.accuracy;
  const distilled = result.distilled.training.testLast.accuracy;
  const summary: DistillationSummary = {
    rows,
    accuracyRetention: distilled / teacher,
    compressionRatio: result.teacher.params / result.distilled.params,
    speedup: result.teacher.latencyMs / result.distilled.latencyMs,
  };
  if (result.baseline) {
    const baseline = result.baseline.training.testLast.accuracy;
    if (teacher > baseline) summary.gapRecovered = (distilled - baseline) / (teacher - baseline);
  }
  return summary;
}
