import type { ArtifactListing, FileInfo, MlflowClient, Run } from '../../src/index.js';

/** The JSON file the artifacts scenario uploads. */
export const CONFIG_JSON = '{\n  "temperature": 4,\n  "model": "tiny-gpt",\n  "layers": [\n    2,\n    4\n  ]\n}\n';

/** The 8-byte binary the artifacts scenario uploads. */
export const WEIGHTS = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0xfe, 0xff]);

/** What the artifacts scenario observed. */
export interface ArtifactsResult {
  readonly run: Run;
  readonly proxyRoot: readonly FileInfo[];
  readonly proxyConfig: readonly FileInfo[];
  readonly listedRoot: ArtifactListing;
  readonly listedConfig: ArtifactListing;
  readonly configBytes: Uint8Array;
  readonly weightsBytes: Uint8Array;
}

/** The recorded artifacts scenario: upload a JSON file and a binary, list both ways, download both. */
export async function driveArtifacts(client: MlflowClient, experimentName: string, startTime: number): Promise<ArtifactsResult> {
  const experimentId = await client.experiments.create({ name: experimentName });
  const run = await client.runs.create({
    experimentId,
    startTime,
    runName: 'artifacts-run',
    userId: 'alice',
    tags: { 'mlflow.user': 'alice' },
  });
  await client.artifacts.upload(run.info, 'config/cfg.json', CONFIG_JSON);
  await client.artifacts.upload(run.info, 'weights.bin', WEIGHTS);
  const proxyRoot = await client.artifacts.listAt(run.info);
  const proxyConfig = await client.artifacts.listAt(run.info, 'config');
  const listedRoot = await client.artifacts.list(run.info.runId);
  const listedConfig = await client.artifacts.list(run.info.runId, 'config');
  const configBytes = await client.artifacts.download(run.info, 'config/cfg.json');
  const weightsBytes = await client.artifacts.download(run.info, 'weights.bin');
  return { run, proxyRoot, proxyConfig, listedRoot, listedConfig, configBytes, weightsBytes };
}
