import type { ResolvedExperiment } from '@kdlab/core';

/**
 * The data settings a teacher depends on: all but the students' transfer set (`data.transfer`), which
 * narrows what the students see and never what the teacher trains on. Teachers are keyed (cached,
 * scheduled and shared) by this, so studies that differ only in their transfer sets share one teacher.
 */
export function teacherData(data: ResolvedExperiment['data']): Omit<ResolvedExperiment['data'], 'transfer'> {
  const { transfer: _transfer, ...rest } = data;
  return rest;
}
