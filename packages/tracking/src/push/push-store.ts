import { stat } from 'node:fs/promises';
import type { MlflowClient } from '@kdlab/mlflow';
import { lockJournal } from '../journal/journal-lock.js';
import { readMlrunsStore } from '../mlruns/read-mlruns-store.js';
import type { MlrunsStoreContents } from '../mlruns/mlruns-records.js';
import { describeFailure, isServerUnavailable } from '../remote/server-unavailable.js';
import { copyRun, type RunCopy } from './copy-run.js';
import { planPush, type PlannedRun, type PushPlan, type UnknownReference } from './plan-push.js';
import { PushBusyError, PushInputError } from './push-errors.js';
import { PushLedger } from './push-ledger.js';

/** What {@link pushStore} takes. */
export interface PushStoreOptions {
  /** Absolute path of the local store. */
  storeRoot: string;
  /** A client of the server to copy to (not closed here). */
  client: MlflowClient;
  /** Push only these experiments (and the runs their runs name); default all. */
  experiments?: readonly string[];
  /** Only say what would be copied: nothing is sent, the server is not contacted, the ledger is not written. */
  dryRun?: boolean;
  /** Called with each run's outcome as soon as it is known. */
  onOutcome?: (outcome: PushOutcome) => void;
}

/** The run an outcome is about. */
export interface PushedRunSummary {
  /** Its id in the local store. */
  localRunId: string;
  /** Its experiment's name. */
  experimentName: string;
  /** Its name. */
  runName: string;
  /** When it is outside the experiments asked for: the run that names it. */
  neededBy?: string;
}

/** What happened to one run. */
export type PushOutcome = PushedRunSummary &
  (
    | ({
        /** Copied (what was sent is in the other fields). */
        kind: 'copied';
      } & RunCopy)
    | {
        /** On the server already: nothing sent. */
        kind: 'already-pushed';
        /** Its id on the server. */
        serverRunId: string;
      }
    | {
        /** Left for a later push. */
        kind: 'skipped';
        /** Why, e.g. `still RUNNING`. */
        reason: string;
      }
    | {
        /** Copying it failed; the next push resumes it. */
        kind: 'failed';
        /** What went wrong (never with credentials). */
        error: string;
      }
    | {
        /** Not tried: the push stopped before it. */
        kind: 'not-attempted';
        /** Why the push stopped. */
        reason: string;
      }
    | {
        /** Dry run: it would be copied. */
        kind: 'would-copy';
      }
    | {
        /** Dry run: an earlier push's copy of it would be finished. */
        kind: 'would-resume';
        /** Its id on the server. */
        serverRunId: string;
      }
  );

/** What a push did. */
export interface PushReport {
  /** Absolute path of the store. */
  storeRoot: string;
  /** The server, without credentials. */
  trackingUri: string;
  /** The ledger file of this store and server. */
  ledgerPath: string;
  /** Whether it was a dry run. */
  dryRun: boolean;
  /** Each run's outcome, in push order. */
  outcomes: PushOutcome[];
  /** Run ids named in tags that the store does not hold: those tags keep the local id. */
  unknownReferences: UnknownReference[];
  /** Why the push stopped before the end (the server became unavailable), when it did. */
  stoppedBecause?: string;
}

/**
 * Copies the runs of a local MLflow store (`./mlruns`) to an MLflow tracking server, exactly once.
 * Experiments are found on the server by name or created; each run is created there and copied
 * whole (see {@link copyRun}), referenced runs first, and recorded in the store's ledger for that
 * server (`<store>/.kdlab-push-<hash>.json`) when created and when done. A second push copies
 * nothing again; a push that stopped (the server failed, the process was killed) resumes the run
 * it was copying, under the same server id, and goes on. Runs still RUNNING are skipped, with the
 * runs that name them. A failed run does not stop the push unless the server is unavailable.
 *
 * @param options - The store, the client, which experiments, dry run.
 * @throws PushInputError when the store is missing or unreadable, or an experiment asked for is not in it.
 * @throws PushBusyError when another push holds this store's ledger for this server.
 */
export async function pushStore(options: PushStoreOptions): Promise<PushReport> {
  const { storeRoot, client } = options;
  const contents = await readStore(storeRoot);
  const ledger = await PushLedger.open(storeRoot, client.trackingUri);
  const plan = planPush(contents, { ...(options.experiments !== undefined ? { experiments: options.experiments } : {}), pushed: (id) => ledger.get(id) });
  const report: PushReport = {
    storeRoot,
    trackingUri: client.trackingUri,
    ledgerPath: ledger.path,
    dryRun: options.dryRun === true,
    outcomes: [],
    unknownReferences: plan.unknownReferences,
  };
  const emit = (outcome: PushOutcome): void => {
    report.outcomes.push(outcome);
    options.onOutcome?.(outcome);
  };
  if (options.dryRun === true) {
    for (const planned of plan.runs) emit(dryRunOutcome(planned));
    return report;
  }
  const lock = lockJournal(ledger.path);
  if (lock === undefined) throw new PushBusyError(`Another kdlab push is copying ${storeRoot} to ${client.trackingUri} (its lock is ${ledger.path}.lock).`);
  try {
    await pushPlannedRuns(plan, contents, ledger, options, report, emit);
  } finally {
    lock.release();
  }
  return report;
}

async function readStore(storeRoot: string): Promise<MlrunsStoreContents> {
  const info = await stat(storeRoot).catch(() => undefined);
  if (!info?.isDirectory()) throw new PushInputError(`There is no MLflow store at ${storeRoot}.`);
  try {
    return await readMlrunsStore(storeRoot);
  } catch (error) {
    throw new PushInputError(`Cannot read the store at ${storeRoot}: ${(error as Error).message}`, { cause: error });
  }
}

async function pushPlannedRuns(
  plan: PushPlan,
  contents: MlrunsStoreContents,
  ledger: PushLedger,
  options: PushStoreOptions,
  report: PushReport,
  emit: (outcome: PushOutcome) => void,
): Promise<void> {
  const experimentTags = new Map(contents.experiments.map((experiment) => [experiment.name, experiment.tags]));
  const experimentIds = new Map<string, Promise<string>>();
  const serverExperimentId = (name: string): Promise<string> => {
    let id = experimentIds.get(name);
    if (id === undefined) {
      const tags = experimentTags.get(name) ?? {};
      id = options.client.experiments.getOrCreate(name, Object.keys(tags).length > 0 ? { tags } : {}).then((experiment) => experiment.experimentId);
      id.catch(() => experimentIds.delete(name));
      experimentIds.set(name, id);
    }
    return id;
  };
  const unfinished = new Map<string, string>(); // local run id -> why it is not on the server
  for (const planned of plan.runs) {
    const summary = summaryOf(planned);
    const { decision } = planned;
    if (decision.kind === 'pushed') {
      emit({ ...summary, kind: 'already-pushed', serverRunId: decision.serverRunId });
      continue;
    }
    if (decision.kind === 'skip') {
      unfinished.set(summary.localRunId, decision.reason);
      emit({ ...summary, kind: 'skipped', reason: decision.reason });
      continue;
    }
    if (report.stoppedBecause !== undefined) {
      unfinished.set(summary.localRunId, 'not attempted');
      emit({ ...summary, kind: 'not-attempted', reason: report.stoppedBecause });
      continue;
    }
    const blocker = planned.dependsOn.find((runId) => unfinished.has(runId));
    if (blocker !== undefined) {
      const reason = `waits for run ${blocker}, which failed to copy`;
      unfinished.set(summary.localRunId, reason);
      emit({ ...summary, kind: 'skipped', reason });
      continue;
    }
    try {
      const copy = await copyRun({
        client: options.client,
        storeRoot: options.storeRoot,
        ledger,
        planned,
        serverExperimentId: await serverExperimentId(planned.experimentName),
        serverIdOf: (runId) => ledger.get(runId)?.serverRunId,
      });
      emit({ ...summary, kind: 'copied', ...copy });
    } catch (error) {
      const message = describeFailure(error);
      unfinished.set(summary.localRunId, message);
      emit({ ...summary, kind: 'failed', error: message });
      if (isServerUnavailable(error)) report.stoppedBecause = `the server is unavailable (${message})`;
    }
  }
}

function summaryOf(planned: PlannedRun): PushedRunSummary {
  return {
    localRunId: planned.run.info.runId,
    experimentName: planned.experimentName,
    runName: planned.run.tags['mlflow.runName'] ?? planned.run.info.runName,
    ...(planned.neededBy !== undefined ? { neededBy: planned.neededBy } : {}),
  };
}

function dryRunOutcome(planned: PlannedRun): PushOutcome {
  const summary = summaryOf(planned);
  const { decision } = planned;
  switch (decision.kind) {
    case 'copy':
      return { ...summary, kind: 'would-copy' };
    case 'resume':
      return { ...summary, kind: 'would-resume', serverRunId: decision.serverRunId };
    case 'pushed':
      return { ...summary, kind: 'already-pushed', serverRunId: decision.serverRunId };
    case 'skip':
      return { ...summary, kind: 'skipped', reason: decision.reason };
  }
}
