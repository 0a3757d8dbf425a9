import type { MlrunsRunRecord, MlrunsStoreContents } from '../mlruns/mlruns-records.js';
import { MLRUNS } from '../mlruns/store-layout.js';
import { referencedRunIds } from './cross-run-tags.js';
import { PushInputError } from './push-errors.js';
import type { PushedRun } from './push-ledger.js';

/** What a push does with one run. */
export type PushDecision =
  | {
      /** Copy it: it is not on the server yet. */
      kind: 'copy';
    }
  | {
      /** Finish copying it: an earlier push created it on the server and stopped before the end. */
      kind: 'resume';
      /** Its id on the server. */
      serverRunId: string;
    }
  | {
      /** Nothing: it is on the server already. */
      kind: 'pushed';
      /** Its id on the server. */
      serverRunId: string;
    }
  | {
      /** Leave it for a later push. */
      kind: 'skip';
      /** Why, e.g. `still RUNNING`. */
      reason: string;
    };

/** One run of a push, in the order runs are pushed. */
export interface PlannedRun {
  /** The run as the store holds it. */
  run: MlrunsRunRecord;
  /** Its experiment's name. */
  experimentName: string;
  /** What the push does with it. */
  decision: PushDecision;
  /** The runs of the store it names (parent, teacher, baseline, ensemble members): pushed before it. */
  dependsOn: string[];
  /** When the run is outside the experiments asked for: the run that names it, which is why it is pushed. */
  neededBy?: string;
}

/** A run id a run's tags name that is not an active run of the store. */
export interface UnknownReference {
  /** The run whose tags name it. */
  runId: string;
  /** The id named. */
  referencedRunId: string;
}

/** What a push will do, run by run. */
export interface PushPlan {
  /** The runs, referenced runs before the runs that name them. */
  runs: PlannedRun[];
  /** Run ids named in tags that the store does not hold (their tags keep the local id). */
  unknownReferences: UnknownReference[];
}

/** Options of {@link planPush}. */
export interface PlanPushOptions {
  /** Push only these experiments (and the runs their runs name); default every active experiment. */
  experiments?: readonly string[];
  /** What the ledger records of a local run. */
  pushed: (localRunId: string) => PushedRun | undefined;
}

/** `--experiment` names an experiment the store does not hold. */
export class UnknownExperimentError extends PushInputError {
  /** `'UnknownExperimentError'`. */
  override readonly name: string = 'UnknownExperimentError';

  /**
   * @param missing - The names asked for that the store lacks.
   * @param known - The active experiments it has.
   * @param store - Where the store is.
   */
  constructor(
    readonly missing: readonly string[],
    readonly known: readonly string[],
    store: string,
  ) {
    super(
      `No experiment named ${missing.map((name) => `'${name}'`).join(', ')} in ${store}` +
        (known.length === 0 ? ' (it has no experiments).' : ` (experiments there: ${[...known].sort().map((name) => `'${name}'`).join(', ')}).`),
    );
  }
}

const UNFINISHED: ReadonlySet<string> = new Set(['RUNNING', 'SCHEDULED']);

/**
 * Decides what a push copies, and in which order: the active runs of the chosen experiments, plus
 * the runs their tags name (a cached teacher trained under another experiment); every run after the
 * runs it names (parents before children). Runs the ledger marks done are left alone, runs it marks
 * `copying` are resumed. A run that has not ended (RUNNING) is skipped, and so is every run that
 * names it, until a later push.
 *
 * @param contents - The store, as `readMlrunsStore` read it.
 * @param options - The experiments asked for, and the ledger.
 * @throws UnknownExperimentError when an experiment asked for is not in the store.
 */
export function planPush(contents: MlrunsStoreContents, options: PlanPushOptions): PushPlan {
  const experimentNames = new Map(contents.experiments.map((experiment) => [experiment.experimentId, experiment.name]));
  const wanted = options.experiments === undefined ? undefined : new Set(options.experiments);
  if (wanted !== undefined) {
    const known = contents.experiments.map((experiment) => experiment.name);
    const missing = [...wanted].filter((name) => !known.includes(name));
    if (missing.length > 0) throw new UnknownExperimentError(missing, known, contents.root);
  }
  const active = contents.runs.filter((run) => run.info.lifecycleStage === MLRUNS.activeStage && experimentNames.has(run.info.experimentId));
  const byId = new Map(active.map((run) => [run.info.runId, run]));
  const planned = new Map<string, PlannedRun>();
  const visiting = new Set<string>();
  const order: PlannedRun[] = [];
  const unknownReferences: UnknownReference[] = [];

  const visit = (run: MlrunsRunRecord, neededBy: string | undefined): PlannedRun | undefined => {
    const runId = run.info.runId;
    const done = planned.get(runId);
    if (done !== undefined) return done;
    if (visiting.has(runId)) return undefined; // a cycle: that reference stays unmapped
    visiting.add(runId);
    const dependencies: PlannedRun[] = [];
    for (const referencedRunId of referencedRunIds(run.tags)) {
      const referenced = byId.get(referencedRunId);
      if (referenced === undefined) {
        if (options.pushed(referencedRunId) === undefined) unknownReferences.push({ runId, referencedRunId });
        continue;
      }
      const dependency = visit(referenced, runId);
      if (dependency !== undefined) dependencies.push(dependency);
    }
    visiting.delete(runId);
    const entry: PlannedRun = {
      run,
      experimentName: experimentNames.get(run.info.experimentId)!,
      decision: decide(run, dependencies, options.pushed(runId)),
      dependsOn: dependencies.map((dependency) => dependency.run.info.runId),
      ...(neededBy !== undefined && wanted !== undefined && !wanted.has(experimentNames.get(run.info.experimentId)!) ? { neededBy } : {}),
    };
    planned.set(runId, entry);
    order.push(entry);
    return entry;
  };

  for (const run of active) {
    if (wanted === undefined || wanted.has(experimentNames.get(run.info.experimentId)!)) visit(run, undefined);
  }
  return { runs: order, unknownReferences };
}

function decide(run: MlrunsRunRecord, dependencies: readonly PlannedRun[], pushed: PushedRun | undefined): PushDecision {
  if (pushed?.state === 'done') return { kind: 'pushed', serverRunId: pushed.serverRunId };
  if (UNFINISHED.has(run.info.status)) return { kind: 'skip', reason: `still ${run.info.status}` };
  const waiting = dependencies.find((dependency) => dependency.decision.kind === 'skip');
  if (waiting !== undefined) {
    const { runId, runName } = waiting.run.info;
    const reason = waiting.decision.kind === 'skip' ? waiting.decision.reason : '';
    return { kind: 'skip', reason: `waits for run ${runId} (${runName}), which ${reason.startsWith('still ') ? `is ${reason}` : reason}` };
  }
  return pushed === undefined ? { kind: 'copy' } : { kind: 'resume', serverRunId: pushed.serverRunId };
}
