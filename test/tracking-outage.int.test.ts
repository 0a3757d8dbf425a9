import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeMlflowServer } from '../packages/tracking/test/remote/support/fake-mlflow-server.js';
import { runCli } from './support/run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'kdlab-outage-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('kdlab run while the tracking server is down for a while', () => {
  it('says when the server stops answering, with the calls waiting, and when it has caught up; every run reaches it', async () => {
    const server = await FakeMlflowServer.start();
    const journalDir = join(scratch, 'journal');
    let stopped = false;
    let restarted = false;
    try {
      const result = await runCli(['run', 'test/fixtures/tiny-experiment.ts', '--backend', 'wasm', '--tracking-uri', server.url, '--no-cache', '--set', 'teacher.train.epochs=100'], {
        env: { KDLAB_JOURNAL_DIR: journalDir },
        onStderr: (text) => {
          if (!stopped && /teacher\s+epoch\s+1\//.test(text)) {
            stopped = true;
            void server.stop();
          }
          if (!restarted && /is unavailable/.test(text)) {
            restarted = true;
            void server.listen();
          }
        },
      });
      expect(result.code).toBe(0);
      const lines = result.stderr.split('\n').filter((line) => line.startsWith('kdlab tracking: '));
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(new RegExp(`^kdlab tracking: MLflow server ${server.url} is unavailable \\(.*\\): \\d+ calls? wait in the journal ${journalDir}/.*\\.jsonl; training goes on`));
      expect(lines[1]).toMatch(new RegExp(`^kdlab tracking: MLflow server ${server.url} answers again and has caught up: the \\d+ calls? journaled meanwhile are on it\\.$`));
      const runs = [...server.runs.values()];
      expect(runs.map((run) => run.tags.get('kdlab.role')).sort()).toEqual(['baseline', 'distilled', 'teacher']);
      for (const run of runs) expect(run.info.status).toBe('FINISHED');
      expect(readdirSync(journalDir)).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});
