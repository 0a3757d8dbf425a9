import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pushCommand } from '../../../cli/src/commands/push-command.js';
import { runInProcess, type InProcessResult } from '../../../../test/support/run-in-process.js';
import { pushLedgerPath } from '../../src/push/index.js';
import { FakeMlflowServer } from '../remote/support/fake-mlflow-server.js';
import { makeTempFolder, type TempFolder } from '../temp-store.js';
import { copiesOf } from './support/push-checks.js';
import { MISSING_RUN_ID, writePushFixtureStore, type PushFixtureIds } from './support/push-fixture-store.js';

const TOKEN = 's3cret-token-9f2c';
const PASSWORD = 'pa55word-77ab';
const CREDENTIAL_VARIABLES = ['MLFLOW_TRACKING_URI', 'MLFLOW_TRACKING_TOKEN', 'MLFLOW_TRACKING_USERNAME', 'MLFLOW_TRACKING_PASSWORD'];

let server: FakeMlflowServer;
let temp: TempFolder;
let store: string;
let ids: PushFixtureIds;

beforeEach(async () => {
  server = await FakeMlflowServer.start();
  temp = await makeTempFolder('kdlab-push-cli-');
  store = join(temp.path, 'mlruns');
  ({ ids } = await writePushFixtureStore(store));
});
afterEach(async () => {
  await server.stop();
  await temp.remove();
  vi.restoreAllMocks();
});

/** Runs `kdlab push <args>` in this process with exactly `env` as its MLflow variables; returns what it printed and its exit code. */
const push = (args: string[], env: Record<string, string> = {}): Promise<InProcessResult> =>
  runInProcess(pushCommand(), args, { ...Object.fromEntries(CREDENTIAL_VARIABLES.map((key) => [key, undefined])), ...env });

describe('kdlab push (in process)', () => {
  it('copies the store, prints a line per run and a summary, and never prints or stores the credentials', async () => {
    const withUserInfo = server.url.replace('http://', `http://alice:${PASSWORD}@`);
    const first = await push(['--from', store, '--tracking-uri', withUserInfo], { MLFLOW_TRACKING_TOKEN: TOKEN });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Pushing ${store} to ${server.url}\n`);
    expect(first.stdout).toMatch(new RegExp(`^copied teachers / teacher \\(${ids.teacher}\\) -> [0-9a-f]{32}: 2 params, 6 tags, 6 metric values, 3 artifacts$`, 'm'));
    expect(first.stdout).toContain(`skipped in-progress / sweep (${ids.running}): still RUNNING\n`);
    expect(first.stdout).toMatch(/^8 runs copied, 0 already on the server, 2 skipped, 0 failed, 0 not attempted\.$/m);
    expect(first.stderr).toBe(`kdlab push: run ${ids.distilled3} names run ${MISSING_RUN_ID}, which is not in the store: its tag keeps the local id\n`);
    expect(server.requests.every((request) => request.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);

    const second = await push(['--from', store], { MLFLOW_TRACKING_URI: server.url, MLFLOW_TRACKING_TOKEN: TOKEN });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^0 runs copied, 8 already on the server, 2 skipped, 0 failed, 0 not attempted\.$/m);
    expect(copiesOf(server, ids.teacher)).toBe(1);

    const printed = first.stdout + first.stderr + second.stdout + second.stderr + (await readFile(pushLedgerPath(store, server.url), 'utf8'));
    expect(printed).not.toContain(TOKEN);
    expect(printed).not.toContain(PASSWORD);
    expect(printed).not.toContain('alice');
  });

  it('--dry-run lists what would be copied from $MLFLOW_TRACKING_URI and sends nothing; --experiment narrows it', async () => {
    const result = await push(['--from', store, '--dry-run', '--experiment', 'kd-sweep'], { MLFLOW_TRACKING_URI: server.url });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Dry run, nothing is sent: pushing ${store} to ${server.url}\n`);
    expect(result.stdout).toContain(`would copy teachers / teacher (${ids.teacher}, named by run ${ids.distilled1})\n`);
    expect(result.stdout).toContain(`would copy kd-sweep / distilled-t4-s0 (${ids.distilled1})\n`);
    expect(result.stdout).toMatch(/^8 runs would be copied, 0 already on the server, 0 skipped\.$/m);
    expect(server.requests).toEqual([]);
  });

  it('exits 1 naming the run when the server refuses it, and when the server is down, without credentials in the message', async () => {
    server.refuseWhen = (request) => request.path.endsWith('/runs/log-batch') && request.body.toString('utf8').includes(`"value":"${ids.teacher2}"`);
    const refused = await push(['--from', store, '--tracking-uri', server.url], { MLFLOW_TRACKING_TOKEN: TOKEN });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`^kdlab push: failed to copy teachers / teacher-2 \\(${ids.teacher2}\\): InvalidParameterValueError: .*400`, 'm'));
    expect(refused.stdout).toContain(`skipped kd-sweep / ensemble (${ids.ensemble}): waits for run ${ids.teacher2}, which failed to copy\n`);

    await server.stop();
    const down = await push(['--from', store, '--tracking-uri', server.url.replace('http://', `http://alice:${PASSWORD}@`)]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/kdlab push: stopped: the server is unavailable \(MlflowConnectionError: .*\)\. Push again to resume\./);
    expect(down.stdout).toMatch(/not attempted/);
    expect(down.stdout + down.stderr).not.toContain(PASSWORD);
  });

  it('exits 2 for no server, a URL that is not http(s), a missing store and an unknown experiment', async () => {
    const none = await push(['--from', store]);
    expect(none).toMatchObject({ code: 2, stdout: '', stderr: 'kdlab push: no tracking server given: pass --tracking-uri http(s)://host:port or set MLFLOW_TRACKING_URI.\n' });
    const notHttp = await push(['--from', store, '--tracking-uri', `ftp://bob:${PASSWORD}@files.lab/mlruns`]);
    expect(notHttp.code).toBe(2);
    expect(notHttp.stderr).toMatch(/^kdlab push: .*not an http\(s\) URL/);
    expect(notHttp.stderr).not.toContain(PASSWORD);
    const missing = await push(['--from', join(temp.path, 'nope'), '--tracking-uri', server.url]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`kdlab push: There is no MLflow store at ${join(temp.path, 'nope')}.\n`);
    const unknown = await push(['--from', store, '--tracking-uri', server.url, '--experiment', 'kd-swep']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(`kdlab push: No experiment named 'kd-swep' in ${store} (experiments there: 'Default', 'in-progress', 'kd-sweep', 'teachers').\n`);
    expect(server.requests).toEqual([]);
  });
});

describe('kdlab push and runs whose process is gone', () => {
  it('ends them KILLED first and pushes them as such', async () => {
    const { spawnSync } = await import('node:child_process');
    const { readFileSync, writeFileSync, readdirSync } = await import('node:fs');
    const { RUN_LIVENESS_FILE } = await import('../../src/index.js');
    // the fixture's running parent, as if its process had died: its liveness record names an ended process
    const experiment = readdirSync(store, { withFileTypes: true }).find((entry) => entry.isDirectory() && readdirSync(join(store, entry.name)).includes(ids.running))!.name;
    const file = join(store, experiment, ids.running, RUN_LIVENESS_FILE);
    const record = JSON.parse(readFileSync(file, 'utf8')) as { pid: number };
    const ended = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(file, JSON.stringify({ ...record, pid: Number(ended.stdout) }));

    const result = await push(['--from', store, '--tracking-uri', server.url]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`kdlab push: `);
    expect(result.stderr).toContain(ids.running);
    expect(result.stdout).not.toContain('still RUNNING');
    expect(result.stdout).toMatch(/^10 runs copied, 0 already on the server, 0 skipped, 0 failed, 0 not attempted\.$/m);
  });
});
