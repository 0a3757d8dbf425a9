import { cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlrunsTracker, validateMlrunsStore, type MlrunsRule } from '@kdlab/tracking';
import { makeTempFolder, type TempFolder } from './temp-store.js';

let temp: TempFolder;
let sound: string;
let experimentId: string;
let runId: string;
let copies = 0;

beforeAll(async () => {
  temp = await makeTempFolder('kdlab-validate-');
  sound = join(temp.path, 'sound');
  const tracker = new MlrunsTracker({ location: sound });
  const run = await tracker.startRun({ experimentName: 'checked', runName: 'r' });
  await run.logParams({ lr: 0.1 });
  await run.logMetrics([{ key: 'train/loss', value: 1, step: 0 }]);
  await run.end('FINISHED');
  await tracker.close();
  experimentId = run.experimentId;
  runId = run.runId;
});

afterAll(async () => {
  await temp.remove();
});

/** A fresh copy of the sound store, broken by `breakIt`, and the rules the validator reports for it. */
async function rulesAfter(breakIt: (root: string) => Promise<void>): Promise<MlrunsRule[]> {
  copies += 1;
  const root = join(temp.path, `copy-${copies}`);
  await cp(sound, root, { recursive: true });
  await breakIt(root);
  return [...new Set((await validateMlrunsStore(root)).map((problem) => problem.rule))];
}

async function edit(file: string, change: (text: string) => string): Promise<void> {
  await writeFile(file, change(await readFile(file, 'utf8')));
}

const experimentMeta = (root: string): string => join(root, experimentId, 'meta.yaml');
const runFolder = (root: string): string => join(root, experimentId, runId);
const runMeta = (root: string): string => join(runFolder(root), 'meta.yaml');
const lossFile = (root: string): string => join(runFolder(root), 'metrics', 'train', 'loss');

describe('validateMlrunsStore', () => {
  it('finds nothing wrong with what the tracker writes', async () => {
    expect(await validateMlrunsStore(sound)).toEqual([]);
  });

  it.each<[MlrunsRule, (root: string) => Promise<void>]>([
    ['store-missing', (root) => rm(root, { recursive: true })],
    ['experiment-folder-name', (root) => mkdir(join(root, '.hidden'))],
    ['experiment-meta-missing', (root) => rm(experimentMeta(root))],
    ['experiment-meta-unreadable', (root) => edit(experimentMeta(root), (text) => `${text}name: twice\n`)],
    ['experiment-meta-required-key', (root) => edit(experimentMeta(root), (text) => text.replace(/^artifact_location: .*\n/m, ''))],
    ['experiment-meta-type', (root) => edit(experimentMeta(root), (text) => text.replace(/^name: .*$/m, 'name: 123'))],
    ['experiment-id-mismatch', (root) => rename(join(root, experimentId), join(root, '42'))],
    ['experiment-name-duplicate', (root) => edit(join(root, '0', 'meta.yaml'), (text) => text.replace('name: Default', 'name: checked'))],
    ['run-meta-missing', (root) => rm(runMeta(root))],
    ['run-meta-unreadable', (root) => edit(runMeta(root), (text) => `${text}status: 'open\n`)],
    ['run-meta-required-key', (root) => edit(runMeta(root), (text) => text.replace(/^end_time: .*\n/m, ''))],
    ['run-meta-type', (root) => edit(runMeta(root), (text) => text.replace(/^start_time: .*$/m, 'start_time: soon'))],
    ['run-status', (root) => edit(runMeta(root), (text) => text.replace(/^status: .*$/m, 'status: FINISHED'))],
    ['run-experiment-mismatch', (root) => edit(runMeta(root), (text) => text.replace(/^experiment_id: .*$/m, "experiment_id: '0'"))],
    ['key-invalid', (root) => writeFile(join(runFolder(root), 'params', 'a:b'), '1')],
    ['metric-file-empty', (root) => writeFile(lossFile(root), '')],
    ['metric-line-malformed', (root) => writeFile(lossFile(root), '1700000000000 1.0 0\n\n')],
    ['metric-line-unterminated', (root) => writeFile(lossFile(root), '1700000000000 1.0 0')],
  ])('reports %s', async (rule, breakIt) => {
    expect(await rulesAfter(breakIt)).toEqual([rule]);
  });

  it('reports run-id-mismatch and run-folder-name for a run folder renamed to an invalid id', async () => {
    const rules = await rulesAfter((root) => rename(runFolder(root), join(root, experimentId, '-bad')));
    expect(rules.sort()).toEqual(['run-folder-name', 'run-id-mismatch']);
  });

  it('names the file and says what the server does', async () => {
    copies += 1;
    const root = join(temp.path, `copy-${copies}`);
    await cp(sound, root, { recursive: true });
    await writeFile(lossFile(root), '1700000000000 1.0 0\n1700000000001 x 1\n');
    expect(await validateMlrunsStore(root)).toEqual([
      { rule: 'metric-line-malformed', path: lossFile(root), message: "line 2 value 'x' is not a number: the server's search fails" },
    ]);
  });
});
