import { describe, expect, it } from 'vitest';
import { ResourceAlreadyExistsError, ResourceDoesNotExistError } from '../../src/index.js';
import { driveExperimentLifecycle } from '../scenarios/experiment-lifecycle.js';
import { expectRequestsToMatch } from '../support/expect-requests.js';
import { loadScenario } from '../support/recorded-exchanges.js';
import { withReplay } from '../support/with-server.js';

const recording = loadScenario('experiment-lifecycle');
const exchanges = recording.exchanges;
const name = exchanges[0]!.request.query!.experiment_name!;

const expectedExperiment = {
  experimentId: '1',
  name,
  artifactLocation: 'mlflow-artifacts:/1',
  lifecycleStage: 'active',
  creationTime: 1795324495551,
  lastUpdateTime: 1795324495551,
  tags: { team: 'ts', purpose: 'fixtures' },
};

describe('recorded experiment-lifecycle exchanges (MLflow 2.12.2)', () => {
  it('sends exactly the recorded requests and reads every answer into typed values and errors', async () => {
    await withReplay(exchanges, async (client, server) => {
      const result = await driveExperimentLifecycle(client, name);
      expect(result.missing).toBeInstanceOf(ResourceDoesNotExistError);
      expect(result.missing).toMatchObject({
        status: 404,
        errorCode: 'RESOURCE_DOES_NOT_EXIST',
        method: 'GET',
        endpoint: '/api/2.0/mlflow/experiments/get-by-name',
        attempts: 1,
      });
      expect(result.experimentId).toBe('1');
      expect(result.duplicate).toBeInstanceOf(ResourceAlreadyExistsError);
      expect(result.duplicate).toMatchObject({ status: 400, errorCode: 'RESOURCE_ALREADY_EXISTS' });
      expect(result.found).toEqual(expectedExperiment);
      expect(result.searched).toEqual({ experiments: [expectedExperiment], nextPageToken: undefined });
      expectRequestsToMatch(server.received, exchanges);
    });
  });

  it('getOrCreate falls back to get-by-name when another writer creates the experiment first', async () => {
    const race = [exchanges[0]!, exchanges[2]!, exchanges[3]!];
    await withReplay(race, async (client, server) => {
      const experiment = await client.experiments.getOrCreate(name, { tags: { team: 'ts' } });
      expect(experiment).toEqual(expectedExperiment);
      expectRequestsToMatch(server.received, race);
    });
  });

  it('getOrCreate returns an existing experiment after a single lookup', async () => {
    await withReplay([exchanges[3]!], async (client, server) => {
      expect(await client.experiments.getOrCreate(name)).toEqual(expectedExperiment);
      expect(server.received).toHaveLength(1);
    });
  });
});
