import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { currentProcessIdentity, livenessRecord, MlrunsTracker, readMlrunsStore, RUN_LIVENESS_FILE, validateMlrunsStore, type LivenessRecord, type MlrunsRunRecord } from '@kdlab/tracking';
import { runCli, runCliBatch } from './support/run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'kdlab-stale-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const role = (run: MlrunsRunRecord) => run.tags['kdlab.role'];
const livenessFile = (store: string, run: MlrunsRunRecord) => join(store, run.info.experimentId, run.info.runId, RUN_LIVENESS_FILE);

/** The RUNNING runs of a store, each with its liveness record. */
async function runningWithRecords(store: string): Promise<{ run: MlrunsRunRecord; record: LivenessRecord }[]> {
  const running = (await readMlrunsStore(store)).runs.filter((run) => run.info.status === 'RUNNING');
  return running.map((run) => ({ run, record: JSON.parse(readFileSync(livenessFile(store, run), 'utf8')) as LivenessRecord }));
}

describe('runs whose process is gone', () => {
  it('are ended KILLED at their last heartbeat by the next kdlab compare after a sweep is killed with -9, and kdlab run finishes the work', async () => {
    const store = join(scratch, 'sweep');
    const args = ['run', 'test/fixtures/tiny-sweep.ts', '--tracking-uri', store, '--cache-dir', join(scratch, 'sweep-cache'), '--backend', 'wasm', '--jobs', '2', '--set', 'teacher.train.epochs=20'];
    const killed = await runCli(args, { onStderr: (text) => (/teacher\s+epoch\s+1\//.test(text) ? 'SIGKILL' : undefined) });
    expect(killed.code).toBeNull(); // killed, every process of the group at once
    const stale = await runningWithRecords(store);
    expect(stale.map(({ run }) => role(run))).toEqual(expect.arrayContaining(['sweep', 'teacher']));
    // A pid now used by another process (same id, another start time) is no sign of life.
    const me = currentProcessIdentity();
    const reused = stale.find(({ run }) => role(run) === 'teacher')!;
    if (me.startTicks !== undefined) {
      reused.record = { ...reused.record, pid: process.pid, startTicks: me.startTicks + 1 };
      writeFileSync(livenessFile(store, reused.run), JSON.stringify(reused.record));
    }

    const compare = await runCli(['compare', 'tiny-sweep', '--tracking-uri', store]);
    expect(compare.stderr).toContain(`kdlab compare: ended KILLED ${stale.length} run${stale.length === 1 ? '' : 's'} of ${store} whose process is gone, at its last heartbeat`);
    const after = (await readMlrunsStore(store)).runs;
    expect(after.filter((run) => run.info.status === 'RUNNING')).toEqual([]);
    for (const { run, record } of stale) {
      const now = after.find((candidate) => candidate.info.runId === run.info.runId)!;
      expect(now.info.status).toBe('KILLED');
      expect(now.info.endTime).toBe(Math.max(record.heartbeatAt, run.info.startTime));
      expect(existsSync(livenessFile(store, run))).toBe(false);
    }
    expect(await validateMlrunsStore(store)).toEqual([]);

    const again = await runCli(args);
    expect(again.code).toBe(0);
    expect(again.stderr).not.toContain('ended KILLED');
    const final = (await readMlrunsStore(store)).runs;
    expect(final.filter((run) => run.info.status === 'RUNNING')).toEqual([]);
    expect(final.filter((run) => role(run) === 'distilled' && run.info.status === 'FINISHED')).toHaveLength(4);
    // A killed training that left a checkpoint continues in its run (the teacher: killed after its
    // first epoch's line, written after its checkpoint); the others stay KILLED.
    const teacher = stale.find(({ run }) => role(run) === 'teacher')!.run;
    expect(again.stderr).toContain(`teacher: resuming run ${teacher.info.runId} from its checkpoint after epoch`);
    for (const { run } of stale) {
      const resumed = again.stderr.includes(`resuming run ${run.info.runId}`);
      expect(final.find((candidate) => candidate.info.runId === run.info.runId)!.info.status).toBe(resumed ? 'FINISHED' : 'KILLED');
    }
  });

  it('are ended KILLED by the next kdlab run on the store after a run is killed with -9', async () => {
    const store = join(scratch, 'single');
    const args = ['run', 'test/fixtures/tiny-experiment.ts', '--tracking-uri', store, '--backend', 'wasm', '--no-cache', '--set', 'teacher.train.epochs=200'];
    const killed = await runCli(args, { onStderr: (text) => (/teacher\s+epoch\s+1\//.test(text) ? 'SIGKILL' : undefined) });
    expect(killed.code).toBeNull();
    const [teacher] = await runningWithRecords(store);
    expect(teacher).toBeDefined();

    // A run that cannot start (invalid experiment) ends nothing: nothing is read before the input is checked.
    const invalid = await runCli([...args, '--set', 'train.epochs=0']);
    expect(invalid.code).toBe(2);
    expect((await runningWithRecords(store)).map(({ run }) => run.info.runId)).toEqual([teacher!.run.info.runId]);

    const again = await runCli([...args, '--set', 'teacher.train.epochs=1', '--set', 'train.epochs=1']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`kdlab run: ended KILLED 1 run of ${store} whose process is gone, at its last heartbeat: teacher ${teacher!.run.info.runId}`);
    const run = (await readMlrunsStore(store)).runs.find((candidate) => candidate.info.runId === teacher!.run.info.runId)!;
    expect(run.info).toMatchObject({ status: 'KILLED', endTime: Math.max(teacher!.record.heartbeatAt, teacher!.run.info.startTime) });
  });

  it('are not left by SIGTERM: kdlab run ends its runs KILLED, in its workers too, and exits 143', async () => {
    const store = join(scratch, 'terminated');
    const result = await runCli(
      ['run', 'test/fixtures/tiny-sweep.ts', '--tracking-uri', store, '--cache-dir', join(scratch, 'terminated-cache'), '--backend', 'wasm', '--jobs', '2', '--set', 'teacher.train.epochs=200'],
      { onStderr: (text) => (/teacher\s+epoch\s+1\//.test(text) ? 'SIGTERM' : undefined) },
    );
    expect(result.stderr).toContain('Terminated (SIGTERM): stopping after the current step');
    expect(result.code).toBe(143);
    const runs = (await readMlrunsStore(store)).runs;
    expect(runs.filter((run) => run.info.status === 'RUNNING')).toEqual([]);
    expect(runs.find((run) => role(run) === 'sweep')!.info.status).toBe('KILLED');
    expect(runs.find((run) => role(run) === 'teacher')!.info.status).toBe('KILLED');
    expect(runs.filter((run) => role(run) === 'distilled')).toEqual([]);
    for (const run of runs) expect(existsSync(livenessFile(store, run))).toBe(false);
    expect(await validateMlrunsStore(store)).toEqual([]);
  });

  it('are ended KILLED by kdlab sync in the local store, which says so', async () => {
    const store = join(scratch, 'sync');
    const tracker = new MlrunsTracker({ location: store });
    const run = await tracker.startRun({ experimentName: 'sync', runName: 'orphan' });
    await tracker.close();
    const exited = spawnSync(process.execPath, ['-e', '']).pid!;
    const lastSeen = Date.now();
    writeFileSync(join(store, run.experimentId, run.runId, RUN_LIVENESS_FILE), JSON.stringify({ ...livenessRecord(currentProcessIdentity(), lastSeen), pid: exited }));
    // twice, one after the other in one process (each through the CLI's main, with its own output and
    // exit code; kdlab sync as a process of its own is in tracking-sync.int.test.ts)
    const syncArgs = ['sync', '--tracking-uri', store, '--journal-dir', join(scratch, 'no-journals')];
    const [sync, again] = await runCliBatch([syncArgs, syncArgs]);
    expect(sync.code).toBe(0);
    expect(sync.stdout).toContain('nothing to send');
    expect(sync.stdout).toContain(`ended KILLED 1 run of ${store} whose process is gone, at its last heartbeat: orphan ${run.runId}`);
    const [ended] = (await readMlrunsStore(store)).runs;
    expect(ended!.info).toMatchObject({ status: 'KILLED', endTime: lastSeen });
    expect(again.stdout).toContain(`No run of ${store} was left RUNNING by a process that is gone.`);
  });
});
