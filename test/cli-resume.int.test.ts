import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readMlrunsStore, validateMlrunsStore, type MlrunsRunRecord } from '@kdlab/tracking';
import { runCli } from './support/run-cli.js';

/**
 * A training killed with SIGKILL mid-epoch continues from its last checkpoint when `kdlab run` is
 * started again, in the same MLflow run, and ends with the weights and metrics of a training that was
 * never interrupted, bit for bit (same backend).
 */
const scratch = mkdtempSync(join(tmpdir(), 'kdlab-resume-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const EXPERIMENT = ['test/fixtures/tiny-experiment.ts', '--backend', 'wasm', '--set', 'teacher.train.epochs=8', '--set', 'train.epochs=6', '--set', 'teacher.model.hidden=[256]'];
const args = (folder: string, ...more: string[]): string[] => ['run', ...EXPERIMENT, '--tracking-uri', join(folder, 'store'), '--cache-dir', join(folder, 'cache'), '--checkpoint-dir', join(folder, 'checkpoints'), ...more];

const role = (run: MlrunsRunRecord): string => run.tags['kdlab.role']!;
const TIMES = /^time\/|^memory\/|^model\/latency_ms$/;

/** Each run's metric histories (times aside) and its saved weights, by role. */
async function outcome(folder: string): Promise<Map<string, { run: MlrunsRunRecord; metrics: Record<string, [number, number][]>; weights: Buffer }>> {
  const store = join(folder, 'store');
  const runs = (await readMlrunsStore(store)).runs.filter((run) => run.info.status === 'FINISHED');
  return new Map(
    runs.map((run) => [
      role(run),
      {
        run,
        metrics: Object.fromEntries(Object.entries(run.metrics).filter(([key]) => !TIMES.test(key)).map(([key, points]) => [key, points.map((point) => [point.step, point.value] as [number, number])])),
        weights: readFileSync(join(store, run.info.experimentId, run.info.runId, 'artifacts', 'model', 'weights.bin')),
      },
    ]),
  );
}

const checkpointsIn = (folder: string): string[] =>
  existsSync(join(folder, 'checkpoints')) ? readdirSync(join(folder, 'checkpoints'), { recursive: true }).map(String).filter((path) => path.endsWith('checkpoint.json')) : [];

describe('kdlab run after a training was killed with -9', () => {
  it('continues the teacher and then the student from their checkpoints, in their runs, bit-identical to an uninterrupted run', async () => {
    const whole = join(scratch, 'whole');
    const reference = await runCli(args(whole, '--keep-checkpoints'));
    expect(reference.code).toBe(0);
    // Kept on request: the last checkpoint of each training.
    expect(checkpointsIn(whole).sort()).toEqual([expect.stringMatching(/^baselines\//), expect.stringMatching(/^distilled\//), expect.stringMatching(/^teachers\//)]);

    const killed = join(scratch, 'killed');
    // 1. Killed in the teacher's fourth epoch (three checkpoints written).
    const first = await runCli(args(killed), { onStderr: (text) => (/teacher\s+epoch\s+4\//.test(text) ? 'SIGKILL' : undefined) });
    expect(first.code).toBeNull();
    const teacherRun = (await readMlrunsStore(join(killed, 'store'))).runs.find((run) => role(run) === 'teacher')!;
    expect(teacherRun.info.status).toBe('RUNNING');
    // 2. Started again: the teacher continues in its run; killed again in the student's third epoch.
    const second = await runCli(args(killed), { onStderr: (text) => (/distilled\s+epoch\s+3\//.test(text) ? 'SIGKILL' : undefined) });
    expect(second.code).toBeNull();
    expect(second.stderr).toMatch(new RegExp(`teacher: resuming run ${teacherRun.info.runId} from its checkpoint after epoch [34]`));
    // 3. Started again: the student continues; everything finishes.
    const third = await runCli(args(killed));
    expect(third.code).toBe(0);
    expect(third.stderr).toMatch(/distilled: resuming run [0-9a-f]{32} from its checkpoint after epoch [23]/);
    expect(third.stderr).toContain('teacher: reusing the teacher of run');

    const resumed = await outcome(killed);
    const uninterrupted = await outcome(whole);
    expect([...resumed.keys()].sort()).toEqual(['baseline', 'distilled', 'teacher']);
    expect(resumed.get('teacher')!.run.info.runId).toBe(teacherRun.info.runId);
    for (const [name, expected] of uninterrupted) {
      const got = resumed.get(name)!;
      expect(got.weights.equals(expected.weights), `${name}: final weights`).toBe(true);
      expect(got.metrics, `${name}: metrics, each step once`).toEqual(expected.metrics);
    }
    expect(resumed.get('teacher')!.run.tags['kdlab.resumed_after_epoch']).toMatch(/^[34]$/);
    // The two killed runs were resumed, not replaced: no KILLED run is left, and nothing RUNNING.
    const all = (await readMlrunsStore(join(killed, 'store'))).runs;
    expect(all.map((run) => run.info.status).sort()).toEqual(['FINISHED', 'FINISHED', 'FINISHED']);
    expect(await validateMlrunsStore(join(killed, 'store'))).toEqual([]);
    // Finished runs leave no checkpoint behind.
    expect(checkpointsIn(killed)).toEqual([]);
  });
});
