import { readdir, readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PushInputError, PushLedger, pushLedgerPath } from '../../src/push/index.js';
import { makeTempFolder, type TempFolder } from '../temp-store.js';

let temp: TempFolder;
beforeEach(async () => {
  temp = await makeTempFolder('kdlab-push-ledger-');
});
afterEach(() => temp.remove());

describe('PushLedger', () => {
  it('is one file per server in the store root, written whole after each record and read back', async () => {
    const ledger = await PushLedger.open(temp.path, 'http://mlflow.lab:5000');
    expect(ledger.size).toBe(0);
    await ledger.record('a'.repeat(32), { serverRunId: 's1', serverExperimentId: '3', state: 'copying' });
    await ledger.record('a'.repeat(32), { serverRunId: 's1', serverExperimentId: '3', state: 'done' });
    expect(ledger.path).toBe(pushLedgerPath(temp.path, 'http://mlflow.lab:5000'));
    expect(ledger.path).toMatch(/\/\.kdlab-push-[0-9a-f]{16}\.json$/);
    expect(pushLedgerPath(temp.path, 'http://other:5000')).not.toBe(ledger.path);
    expect(await readdir(temp.path)).toEqual([ledger.path.split('/').pop()]);
    expect(JSON.parse(await readFile(ledger.path, 'utf8'))).toEqual({ format: 1, trackingUri: 'http://mlflow.lab:5000', runs: { ['a'.repeat(32)]: { serverRunId: 's1', serverExperimentId: '3', state: 'done' } } });
    expect((await PushLedger.open(temp.path, 'http://mlflow.lab:5000')).get('a'.repeat(32))).toEqual({ serverRunId: 's1', serverExperimentId: '3', state: 'done' });
  });

  it('refuses a file that is not a ledger, naming it', async () => {
    const path = pushLedgerPath(temp.path, 'http://mlflow.lab:5000');
    await writeFile(path, '{"format":1,"runs":{"x":{"serverRunId":1}}}');
    await expect(PushLedger.open(temp.path, 'http://mlflow.lab:5000')).rejects.toThrow(PushInputError);
    await writeFile(path, 'not json');
    await expect(PushLedger.open(temp.path, 'http://mlflow.lab:5000')).rejects.toThrow(path);
  });
});
