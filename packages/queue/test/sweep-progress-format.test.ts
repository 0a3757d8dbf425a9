import { describe, expect, it } from 'vitest';
import { formatDuration, formatProgress, type SweepProgress, type SweepRecord, type WorkerInfo } from '@kdlab/queue';

const NOW = 1_800_000_000_000;

const record: SweepRecord = {
  sweepId: '3f9a0c1d2e4b5a6978',
  invocation: 'inv1',
  experimentName: 'hinton-sweep',
  parentRunId: 'a'.repeat(32),
  trials: 10,
  pending: 8,
  state: 'active',
  enqueuedAt: NOW - 3_600_000,
};

function worker(fields: Partial<WorkerInfo> & Pick<WorkerInfo, 'host' | 'pid'>): WorkerInfo {
  return { id: `${fields.host}:${fields.pid}:1`, backend: 'node', concurrency: 1, startedAt: NOW - 600_000, seenAt: NOW - 1000, jobs: [], ...fields };
}

const job = (node: string, sweepId: string, startedAgoMs: number) => ({ jobId: `inv1.${node}`, node, sweepId, startedAt: NOW - startedAgoMs });

describe('formatDuration', () => {
  it('writes seconds as 12s, 4m 10s or 1h 05m, rounded to the second', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(12.4)).toBe('12s');
    expect(formatDuration(59.4)).toBe('59s');
    expect(formatDuration(59.5)).toBe('1m 00s');
    expect(formatDuration(250)).toBe('4m 10s');
    expect(formatDuration(605)).toBe('10m 05s');
    expect(formatDuration(3599.4)).toBe('59m 59s');
    expect(formatDuration(3599.5)).toBe('1h 00m');
    expect(formatDuration(3900)).toBe('1h 05m');
    expect(formatDuration(3959)).toBe('1h 05m'); // minutes rounded down
    expect(formatDuration(26 * 3600 + 60)).toBe('26h 01m');
  });
});

describe('formatProgress', () => {
  it('writes one summary line (done, failed, running, waiting, teacher/baseline jobs, time left), then one line per worker', () => {
    const progress: SweepProgress = {
      record,
      done: 3,
      failed: 1,
      running: [
        { node: 'trial-4', host: 'gpu-a', pid: 11, since: NOW - 65_000 },
        { node: 'trial-5', host: 'gpu-a', pid: 11, since: NOW - 5_000 },
        { node: 'baseline-0123456789abcdef', host: 'cpu-b', pid: 22, since: NOW - 30_000 },
      ],
      runningTrials: 2,
      waiting: 3,
      workers: [
        worker({ host: 'gpu-a', pid: 11, backend: 'node-gpu', threads: 4, gpus: ['0', '1'], concurrency: 2, jobs: [job('trial-4', record.sweepId, 65_000), job('trial-5', record.sweepId, 5_000)] }),
        worker({ host: 'cpu-b', pid: 22, backend: 'wasm', threads: 1, concurrency: 3, jobs: [job('baseline-0123456789abcdef', record.sweepId, 30_000), job('trial-0', 'another-sweep', 1000), job('trial-1', 'another-sweep', 1000)] }),
        worker({ host: 'cpu-c', pid: 33, concurrency: 1 }),
      ],
      meanTrialSeconds: 250,
      etaSeconds: 3900,
    };
    expect(formatProgress(progress, NOW).split('\n')).toEqual([
      'sweep 3f9a0c1d2e4b (hinton-sweep): 3/8 trials done (1 failed), 2 running, 3 waiting, 1 teacher/baseline job running, about 1h 05m left (4m 10s a trial)',
      '  gpu-a pid 11 (node-gpu, 4 threads, GPU 0,1, 2 at once): trial-4 (1m 05s), trial-5 (5s)',
      '  cpu-b pid 22 (wasm, 1 thread, 3 at once): baseline-0123456789abcdef (30s) + 2 job(s) of other sweeps',
      '  cpu-c pid 33 (node, 1 at once): idle',
    ]);
  });

  it('leaves out the failures, the other jobs and the time left while there are none, and says when no worker is connected', () => {
    const progress: SweepProgress = { record, done: 0, failed: 0, running: [], runningTrials: 0, waiting: 8, workers: [] };
    expect(formatProgress(progress, NOW)).toBe(
      'sweep 3f9a0c1d2e4b (hinton-sweep): 0/8 trials done, 0 running, 8 waiting\n' + '  no worker is connected: start `kdlab worker --queue <url>` on a machine',
    );
  });

  it('counts teacher and baseline jobs in the plural, and leaves out an empty GPU list', () => {
    const progress: SweepProgress = {
      record,
      done: 0,
      failed: 0,
      running: [
        { node: 'teacher-aaaa', host: 'h', pid: 1, since: NOW },
        { node: 'teacher-bbbb', host: 'h', pid: 1, since: NOW },
      ],
      runningTrials: 0,
      waiting: 8,
      workers: [worker({ host: 'h', pid: 1, gpus: [], concurrency: 2, jobs: [job('teacher-aaaa', record.sweepId, 0), job('teacher-bbbb', record.sweepId, 0)] })],
    };
    expect(formatProgress(progress, NOW).split('\n')).toEqual([
      'sweep 3f9a0c1d2e4b (hinton-sweep): 0/8 trials done, 0 running, 8 waiting, 2 teacher/baseline jobs running',
      '  h pid 1 (node, 2 at once): teacher-aaaa (0s), teacher-bbbb (0s)',
    ]);
  });
});
