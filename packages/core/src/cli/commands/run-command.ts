import { Command, Option } from 'commander';
import { createRootContainer, createRunContainer, pluginRegistries } from '../../container/create-container.js';
import { TOKENS } from '../../container/tokens.js';
import { datasetsModule } from '../../data/datasets-module.js';
import { parseBackendRequest } from '../../engine/backend/backend-name.js';
import { selectBackend } from '../../engine/backend/select-backend.js';
import { TrainingAbortedError } from '../../engine/training-aborted.js';
import { applyOverrides } from '../../experiment/apply-overrides.js';
import { loadExperimentFile } from '../../experiment/load-experiment-file.js';
import { resolveExperiment } from '../../experiment/resolve-experiment.js';
import { DEFAULT_PLUGIN_PACKAGES, loadPluginPackages } from '../../plugins/load-plugin-packages.js';
import { summarizeDistillation } from '../../report/distillation-summary.js';
import { formatSummaryTable } from '../../report/format-summary.js';
import { runExperiment } from '../../run/run-experiment.js';
import { createTracker } from '../../tracking/create-tracker.js';
import { standardRunTags } from '../../tracking/standard-tags.js';
import { EXIT } from '../exit-codes.js';
import { TerminalReporter } from '../terminal-reporter.js';

/** Options of `kdlab run`. */
interface RunCommandOptions {
  set: string[];
  seed?: string;
  backend?: string;
  trackingUri?: string;
  plugin: string[];
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A failure with the exit code it maps to. */
class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

async function runAction(file: string, options: RunCommandOptions): Promise<number> {
  const err = process.stderr;
  // 1. Everything that can be wrong with the input is checked before anything trains.
  let prepared;
  try {
    const loaded = await loadExperimentFile(file);
    const overrides = [...options.set, ...(options.seed !== undefined ? [`seed=${options.seed}`] : [])];
    const raw = applyOverrides(loaded.experiment, overrides);
    const root = createRootContainer(datasetsModule, ...(await loadPluginPackages([...DEFAULT_PLUGIN_PACKAGES, ...options.plugin])), ...loaded.plugins);
    const runContainer = createRunContainer(root);
    const experiment = resolveExperiment(raw, pluginRegistries(runContainer), file);
    const backendRequest = parseBackendRequest(options.backend ?? process.env['KDLAB_BACKEND'], options.backend ? '--backend' : 'KDLAB_BACKEND');
    const tracker = createTracker(options.trackingUri ?? process.env['MLFLOW_TRACKING_URI']);
    runContainer.bind(TOKENS.Tracker).toConstantValue(tracker);
    prepared = { experiment, runContainer, backendRequest, tracker, path: loaded.path };
  } catch (error) {
    throw new CliFailure((error as Error).message, EXIT.invalidInput);
  }
  const { experiment, runContainer, backendRequest, tracker } = prepared;

  let backend;
  try {
    const skipped: string[] = [];
    backend = await selectBackend(backendRequest, (name, reason) => skipped.push(/Cannot find (package|module)/.test(reason) ? `${name}: not installed` : `${name}: ${reason.split('\n')[0]}`));
    if (skipped.length > 0) err.write(`backends skipped: ${skipped.join('; ')}\n`);
  } catch (error) {
    throw new CliFailure((error as Error).message, EXIT.invalidInput);
  }
  err.write(`backend: ${backend.description}   tracking: ${tracker.description} (experiment "${experiment.name}")\n`);

  const abort = new AbortController();
  const onSigint = (): void => {
    if (abort.signal.aborted) process.exit(EXIT.interrupted);
    err.write('\nInterrupted: stopping after the current step and marking the run KILLED (Ctrl-C again to quit at once).\n');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  const reporter = new TerminalReporter();
  try {
    const result = await runExperiment({
      experiment,
      registries: pluginRegistries(runContainer),
      tracker: runContainer.get(TOKENS.Tracker),
      backend,
      baseTags: standardRunTags({ cwd: process.cwd(), entryPoint: prepared.path }),
      reporter,
      signal: abort.signal,
    });
    process.stdout.write(`\n${formatSummaryTable(summarizeDistillation(result))}\n`);
    process.stdout.write(`runs: ${tracker.description}, experiment "${experiment.name}", invocation ${result.invocation}\n`);
    if (tracker.description.startsWith('./') || tracker.description.startsWith('/')) {
      process.stdout.write(`look at them with: mlflow ui --backend-store-uri ${tracker.description}\n`);
    }
    return EXIT.ok;
  } catch (error) {
    reporter.close();
    if (error instanceof TrainingAbortedError) {
      err.write('Interrupted: the run in progress was marked KILLED.\n');
      return EXIT.interrupted;
    }
    err.write(`kdlab run: a run failed: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT.runFailed;
  } finally {
    process.off('SIGINT', onSigint);
    await tracker.close();
  }
}

/** The `kdlab run` command. */
export function runCommand(): Command {
  return new Command('run')
    .description('Run a distillation experiment: teacher, baseline student and distilled student, logged as MLflow runs')
    .argument('<file>', 'experiment file (experiments/*.ts) whose default export is defineExperiment({...})')
    .option('--set <path=value>', 'override a field of the experiment, e.g. --set train.epochs=2 --set losses.1.temperature=8 (repeatable)', collect, [])
    .option('--seed <n>', 'override the experiment seed')
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend (default: $KDLAB_BACKEND or auto)').choices(['auto', 'node-gpu', 'node', 'wasm', 'cpu']))
    .option('--tracking-uri <uri>', 'where runs go: a file: URI or path (default ./mlruns), or http(s)://host for an MLflow server (default: $MLFLOW_TRACKING_URI)')
    .option('--plugin <package>', 'also load this plugin package (exporting kdlabModule) (repeatable)', collect, [])
    .action(async (file: string, options: RunCommandOptions) => {
      try {
        process.exitCode = await runAction(file, options);
      } catch (error) {
        if (error instanceof CliFailure) {
          process.stderr.write(`kdlab run: ${error.message}\n`);
          process.exitCode = error.exitCode;
        } else throw error;
      }
    });
}
