import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeMlflowServer } from '../packages/tracking/test/remote/support/fake-mlflow-server.js';
import { repoRoot, runCli } from './support/run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'kdlab-sync-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Resolves with the first stdout line of `child` that matches `pattern`. */
function lineMatching(child: ChildProcessWithoutNullStreams, pattern: RegExp, stderr: () => string): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString();
      const match = pattern.exec(buffered);
      if (match) {
        child.stdout.off('data', onData);
        resolve(match);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before printing ${pattern}: ${stderr()}`)));
  });
}

describe('kdlab sync', () => {
  it('replays the journal of a process killed with -9 mid-run and ends its runs KILLED', async () => {
    const server = await FakeMlflowServer.start();
    const journalDir = join(scratch, 'journal');
    const child = spawn(
      process.execPath,
      ['--conditions=@kdlab/source', '--import', 'tsx', 'packages/tracking/test/remote/support/logging-child.ts', server.url, journalDir],
      { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const [, runId] = await lineMatching(child, /ready ([0-9a-f]{32})\n/, () => stderr);
      expect(server.runs.get(runId!)!.metrics).toHaveLength(6);
      await server.stop();
      child.stdin.write('go\n');
      await lineMatching(child, /logged\n/, () => stderr);
      const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      await server.listen();
      expect(server.runs.get(runId!)!.info.status).toBe('RUNNING');

      const sync = await runCli(['sync', '--journal-dir', journalDir, '--tracking-uri', server.url]);
      expect(sync.stderr).toBe('');
      expect(sync.code).toBe(0);
      expect(sync.stdout).toMatch(/\.jsonl: synced \(http:\/\/127\.0\.0\.1:\d+\)/);
      expect(sync.stdout).toMatch(/runs ended: 2 KILLED/);
      expect(sync.stdout).toMatch(/1 runs created, 0 params, 0 tags, 8 metric values, 1 artifacts/);
      expect(sync.stdout).toContain(`ended KILLED (their process died while they ran): ${runId}`);

      const victim = server.runs.get(runId!)!;
      expect(victim.info.status).toBe('KILLED');
      expect(victim.info.end_time).toBeGreaterThanOrEqual(victim.info.start_time);
      for (const key of ['train/loss', 'val/accuracy']) {
        expect(victim.metrics.filter((m) => m.key === key).map((m) => m.step).sort()).toEqual([1, 2, 3, 4, 5, 6]);
      }
      expect(server.artifacts.get(`${victim.info.experiment_id}/${runId}/artifacts/notes.txt`)?.toString()).toBe('written while the server was down');
      const orphan = server.runsOf('killed').find((run) => run.info.run_name === 'orphan')!;
      expect(orphan.info.status).toBe('KILLED');
      expect(orphan.tags.get('mlflow.parentRunId')).toBe(runId);
      expect(orphan.metrics).toHaveLength(2);
      expect(readdirSync(journalDir)).toEqual([]);

      const again = await runCli(['sync', '--journal-dir', journalDir]);
      expect(again.stdout).toContain('nothing to send');
    } finally {
      child.kill('SIGKILL');
      await server.stop();
    }
  });
});
