import { MlflowClient } from '@kdlab/mlflow';
import { DEFAULT_LOCAL_STORE } from '@kdlab/report';
import { parseFileTrackingUri } from '@kdlab/tracking';
import { PushInputError } from '@kdlab/tracking';
import { pushStore } from '@kdlab/tracking';
import { endRunsLeftByGoneProcesses } from '../end-gone-runs-notes.js';
import { EXIT } from '../exit-codes.js';
import { formatPushOutcome, formatPushSummary, formatUnknownReference } from './push-report-text.js';

/** Options of `kdlab push`. */
export interface PushCommandOptions {
  /** The local store (default `./mlruns`). */
  from?: string;
  /** The server (default `MLFLOW_TRACKING_URI`). */
  trackingUri?: string;
  /** Experiments to push (default all). */
  experiment?: string[];
  /** List only. */
  dryRun?: boolean;
}

const fail = (message: string): void => void process.stderr.write(`kdlab push: ${message}\n`);

/**
 * Runs `kdlab push`: prints one line per run as it is copied (failures on stderr), then a summary.
 *
 * @param options - The command's options.
 * @param env - Where `MLFLOW_TRACKING_URI` and the credentials are read.
 * @returns The exit code: 0 done, 1 a run failed or the server was unavailable, 2 invalid input.
 */
export async function pushAction(options: PushCommandOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const uri = options.trackingUri ?? env['MLFLOW_TRACKING_URI'];
  if (uri === undefined || uri.trim() === '') {
    fail('no tracking server given: pass --tracking-uri http(s)://host:port or set MLFLOW_TRACKING_URI.');
    return EXIT.invalidInput;
  }
  let client: MlflowClient;
  let storeRoot: string;
  try {
    client = new MlflowClient({ trackingUri: uri, env });
    storeRoot = parseFileTrackingUri(options.from ?? DEFAULT_LOCAL_STORE);
  } catch (error) {
    fail((error as Error).message);
    return EXIT.invalidInput;
  }
  const dryRun = options.dryRun === true;
  try {
    process.stdout.write(`${dryRun ? 'Dry run, nothing is sent: pushing' : 'Pushing'} ${options.from ?? DEFAULT_LOCAL_STORE} to ${client.trackingUri}\n`);
    // Runs whose process is gone are ended KILLED first, so that they are pushed as what they are.
    if (!dryRun) for (const line of await endRunsLeftByGoneProcesses({ localRoot: storeRoot, description: options.from ?? DEFAULT_LOCAL_STORE })) process.stderr.write(`kdlab push: ${line}\n`);
    const report = await pushStore({
      storeRoot,
      client,
      ...(options.experiment !== undefined ? { experiments: options.experiment } : {}),
      dryRun,
      onOutcome: (outcome) => {
        const line = formatPushOutcome(outcome);
        if (line === undefined) return;
        if (outcome.kind === 'failed') fail(line);
        else process.stdout.write(`${line}\n`);
      },
    });
    for (const reference of report.unknownReferences) fail(formatUnknownReference(reference));
    if (report.stoppedBecause !== undefined) fail(`stopped: ${report.stoppedBecause}. Push again to resume.`);
    process.stdout.write(formatPushSummary(report));
    return report.outcomes.some((outcome) => outcome.kind === 'failed' || outcome.kind === 'not-attempted') ? EXIT.runFailed : EXIT.ok;
  } catch (error) {
    fail((error as Error).message);
    return error instanceof PushInputError ? EXIT.invalidInput : EXIT.runFailed; // PushBusyError included: push again later
  } finally {
    await client.close();
  }
}
