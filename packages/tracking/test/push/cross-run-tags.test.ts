import { describe, expect, it } from 'vitest';
import { referencedRunIds, rewriteRunIdTags } from '../../src/push/index.js';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);
const C = 'c'.repeat(32);

describe('run-id tags', () => {
  it('lists every run id a run names, each once: parent, teacher, baseline, ensemble members', () => {
    expect(referencedRunIds({ 'mlflow.parentRunId': A, 'kdlab.teacher_run_id': B, 'kdlab.baseline_run_id': A, 'kdlab.member_run_ids': `${B},${C}`, 'kdlab.role': 'distilled' })).toEqual([A, B, C]);
    expect(referencedRunIds({ 'kdlab.role': 'teacher', 'kdlab.member_run_ids': '' })).toEqual([]);
  });

  it('rewrites them to the other store ids, keeps the ids it cannot map and says which, and leaves other tags alone', () => {
    const mapped = rewriteRunIdTags(
      { 'mlflow.parentRunId': A, 'kdlab.member_run_ids': `${A},${C}`, 'kdlab.baseline_run_id': C, 'kdlab.role': 'ensemble', note: A },
      (id) => (id === A ? 'server-a' : undefined),
    );
    expect(mapped.tags).toEqual({ 'mlflow.parentRunId': 'server-a', 'kdlab.member_run_ids': `server-a,${C}`, 'kdlab.baseline_run_id': C, 'kdlab.role': 'ensemble', note: A });
    expect(mapped.unmapped).toEqual([
      { tag: 'kdlab.baseline_run_id', runId: C },
      { tag: 'kdlab.member_run_ids', runId: C },
    ]);
  });
});
