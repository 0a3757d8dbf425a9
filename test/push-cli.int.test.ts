import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeMlflowServer } from '../packages/tracking/test/remote/support/fake-mlflow-server.js';
import { copiesOf } from '../packages/tracking/test/push/support/push-checks.js';
import { writePushFixtureStore } from '../packages/tracking/test/push/support/push-fixture-store.js';
import { runCli, runCliBatch } from './support/run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'kdlab-push-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('kdlab push', () => {
  it('is a command of kdlab: copies a store to an MLflow server once, then finds nothing more to copy', async () => {
    const server = await FakeMlflowServer.start();
    try {
      const store = join(scratch, 'mlruns');
      const { ids } = await writePushFixtureStore(store);
      const first = await runCli(['push', '--from', store], { env: { MLFLOW_TRACKING_URI: server.url } });
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/^8 runs copied, 0 already on the server, 2 skipped, 0 failed, 0 not attempted\.$/m);
      expect(copiesOf(server, ids.distilled1)).toBe(1);

      // then, one after another in one process (each through the CLI's main, with its own output and exit code)
      const [second, help, usage] = await runCliBatch([['push', '--from', store, '--tracking-uri', server.url], ['push', '--help'], ['push', '--from']]);
      expect(second.code).toBe(0);
      expect(second.stdout).toMatch(/^0 runs copied, 8 already on the server, 2 skipped, 0 failed, 0 not attempted\.$/m);
      expect(server.runs.size).toBe(8);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Usage: kdlab push [options]');
      expect(help.stdout).toContain('--dry-run');
      expect(usage.code).toBe(2);
    } finally {
      await server.stop();
    }
  });
});
