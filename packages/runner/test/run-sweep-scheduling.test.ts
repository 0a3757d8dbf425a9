import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MlrunsTracker, readMlrunsStore } from '@kdlab/tracking';
import { runSweep, type ExperimentResult, type ResolvedTrial, type TrialExecutor, type TrialPhase } from '@kdlab/runner';

const scratch = mkdtempSync(join(tmpdir(), 'kdlab-schedule-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Trials of one teacher and two student seeds x two temperatures (just the fields the scheduler reads). */
function trials(): ResolvedTrial[] {
  return [2, 8].flatMap((temperature) =>
    [0, 1].map((studentSeed) => ({
      trial: { index: 0, values: { 'losses.1.temperature': temperature }, seed: studentSeed, experiment: {} },
      experiment: { name: 's', data: { dataset: 'x' }, seed: 0, studentSeed, teacher: { model: { kind: 't' } }, student: { model: { kind: 's' } }, train: { epochs: 1 }, baseline: true, temperature },
    })),
  ).map((t, index) => ({ ...t, trial: { ...t.trial, index } })) as unknown as ResolvedTrial[];
}

/** An executor that records when each phase starts and ends, runs `parallelism` at a time, and can fail the teacher. */
class ScriptedExecutor implements TrialExecutor {
  readonly log: string[] = [];
  #running = 0;
  #waiting: (() => void)[] = [];

  constructor(
    readonly parallelism: number,
    readonly baselinesAlongsideTeachers: boolean,
    private readonly failTeacher = false,
  ) {}

  async run(phase: TrialPhase, trial: ResolvedTrial): Promise<ExperimentResult | undefined> {
    while (this.#running >= this.parallelism) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#running++;
    const name = `${phase}:${trial.experiment.studentSeed}`;
    this.log.push(`start ${name}`);
    try {
      await new Promise((resolve) => setTimeout(resolve, phase === 'trial' ? 5 : 30));
      if (phase === 'teacher' && this.failTeacher) throw new Error('teacher failed on purpose');
      this.log.push(`end ${name}`);
      return phase === 'trial' ? ({ distilled: { runId: 'r' } } as unknown as ExperimentResult) : undefined;
    } finally {
      this.#running--;
      this.#waiting.shift()?.();
    }
  }

  async close(): Promise<void> {}
}

const index = (log: string[], entry: string) => {
  const at = log.indexOf(entry);
  expect(at, entry).toBeGreaterThanOrEqual(0);
  return at;
};

describe('runSweep scheduling', () => {
  it('starts each trial only after its teacher and its baseline ended; baselines wait for the teacher', async () => {
    const executor = new ScriptedExecutor(3, false); // a free worker while both baselines train
    const tracker = new MlrunsTracker({ location: join(scratch, 'a'), cwd: scratch });
    const result = await runSweep({ experimentName: 'a', definition: {} as never, trials: trials(), tracker, executor });
    expect(result.outcomes.every((o) => o.result !== undefined)).toBe(true);
    const log = executor.log;
    expect(log.filter((e) => e === 'start teacher:0')).toHaveLength(1);
    for (const seed of [0, 1]) {
      expect(index(log, `start baseline:${seed}`)).toBeGreaterThan(index(log, 'end teacher:0'));
      for (const at of log.flatMap((e, i) => (e === `start trial:${seed}` ? [i] : []))) expect(at).toBeGreaterThan(index(log, `end baseline:${seed}`));
    }
  });

  it('trains baselines alongside the teacher when it leaves workers idle, and a trial may start before the other baseline ends', async () => {
    const executor = new ScriptedExecutor(3, true);
    const tracker = new MlrunsTracker({ location: join(scratch, 'b'), cwd: scratch });
    await runSweep({ experimentName: 'b', definition: {} as never, trials: trials(), tracker, executor });
    const log = executor.log;
    expect(index(log, 'start baseline-alongside-teacher:0')).toBeLessThan(index(log, 'end teacher:0'));
    expect(index(log, 'start baseline-alongside-teacher:1')).toBeLessThan(index(log, 'end teacher:0'));
    for (const seed of [0, 1]) {
      for (const at of log.flatMap((e, i) => (e === `start trial:${seed}` ? [i] : []))) {
        expect(at).toBeGreaterThan(index(log, `end baseline-alongside-teacher:${seed}`));
        expect(at).toBeGreaterThan(index(log, 'end teacher:0'));
      }
    }
  });

  it('never starts baselines alongside when teachers would fill every worker', async () => {
    const executor = new ScriptedExecutor(1, true);
    const tracker = new MlrunsTracker({ location: join(scratch, 'c'), cwd: scratch });
    await runSweep({ experimentName: 'c', definition: {} as never, trials: trials(), tracker, executor });
    expect(executor.log.some((e) => e.includes('alongside'))).toBe(false);
  });

  it('runs no trial when the teacher fails, throws its error and ends the sweep run FAILED', async () => {
    const executor = new ScriptedExecutor(2, false, true);
    const location = join(scratch, 'd');
    const tracker = new MlrunsTracker({ location, cwd: scratch });
    await expect(runSweep({ experimentName: 'd', definition: {} as never, trials: trials(), tracker, executor })).rejects.toThrow('teacher failed on purpose');
    expect(executor.log.filter((e) => !e.includes('teacher'))).toEqual([]);
    const runs = (await readMlrunsStore(location)).runs;
    expect(runs.map((run) => [run.tags['kdlab.role'], run.info.status])).toEqual([['sweep', 'FAILED']]);
  });
});
