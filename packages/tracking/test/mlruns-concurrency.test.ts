import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MlrunsTracker, readMlrunsStore, validateMlrunsStore } from '@kdlab/tracking';
import { makeTempFolder, type TempFolder } from './temp-store.js';

const run = promisify(execFile);
let temp: TempFolder;

beforeEach(async () => {
  temp = await makeTempFolder();
});

afterEach(async () => {
  await temp.remove();
});

describe('two writers on one store', () => {
  it('two trackers creating the same experiments at once end up with one experiment per name', async () => {
    const root = join(temp.path, 'mlruns');
    const trackers = [new MlrunsTracker({ location: root }), new MlrunsTracker({ location: root })];
    const names = ['alpha', 'beta', 'gamma'];
    const handles = await Promise.all(
      names.flatMap((experimentName) =>
        trackers.flatMap((tracker, trackerIndex) =>
          [0, 1, 2].map((index) => tracker.startRun({ experimentName, runName: `t${trackerIndex}-${index}` })),
        ),
      ),
    );
    await Promise.all(handles.map((handle) => handle.end('FINISHED')));
    const store = await readMlrunsStore(root);
    expect(store.experiments.map((experiment) => experiment.name).sort()).toEqual(['Default', 'alpha', 'beta', 'gamma']);
    for (const name of names) {
      const experimentId = store.experiments.find((experiment) => experiment.name === name)?.experimentId;
      expect(store.runs.filter((stored) => stored.info.experimentId === experimentId)).toHaveLength(6);
    }
    expect(await validateMlrunsStore(root)).toEqual([]);
  });

  it('two processes creating the same experiment at the same moment share it', async () => {
    const root = join(temp.path, 'mlruns');
    const script = fileURLToPath(new URL('./concurrent-writer.fixture.ts', import.meta.url));
    const startAt = String(Date.now() + 2000);
    const writers = [0, 1].map(() =>
      run(process.execPath, ['--conditions=@kdlab/source', '--import', 'tsx', script, root, 'shared', '4', startAt], { timeout: 60_000 }),
    );
    const outputs = await Promise.all(writers);
    const ids = outputs.flatMap((output) => JSON.parse(output.stdout) as string[]);
    expect(ids).toHaveLength(8);
    expect(new Set(ids).size).toBe(1);
    const store = await readMlrunsStore(root);
    expect(store.experiments.filter((experiment) => experiment.name === 'shared')).toHaveLength(1);
    expect(store.runs.filter((stored) => stored.info.status === 'FINISHED')).toHaveLength(8);
    expect(await validateMlrunsStore(root)).toEqual([]);
  });
});
