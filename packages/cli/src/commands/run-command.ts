import { Command, Option } from 'commander';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The `kdlab run` command. */
export function runCommand(): Command {
  return new Command('run')
    .description('Run a distillation experiment (teacher, baseline and distilled student) or a sweep of them, logged as MLflow runs')
    .argument('<file>', 'experiment file (experiments/*.ts) whose default export is defineExperiment({...})')
    .option('--set <path=value>', 'override a field of the experiment, e.g. --set train.epochs=2 --set losses.1.temperature=8 (repeatable)', collect, [])
    .option('--seed <n>', 'override the experiment seed (and its seeds list)')
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend (default: $KDLAB_BACKEND or auto)').choices(['auto', 'node-gpu', 'node', 'wasm', 'cpu']))
    .option('--tracking-uri <uri>', 'where runs go: a file: URI or path (default ./mlruns), or http(s)://host for an MLflow server (default: $MLFLOW_TRACKING_URI)')
    .option('--plugin <package>', 'also load this plugin package (exporting kdlabModule) (repeatable)', collect, [])
    .option('--jobs <n>', 'sweep trials run at once in worker processes (default: the number of cores)')
    .option('--threads <n>', 'threads of a native TensorFlow backend (default: $KDLAB_THREADS, or the cores shared among --jobs)')
    .option('--cache-dir <dir>', 'where trained teachers and baselines are cached (default: $KDLAB_CACHE_DIR or .kdlab/cache)')
    .option('--no-cache', 'train every teacher and baseline again instead of reusing cached ones')
    .option('--no-resume', 'run sweep trials again even when they finished before, and trainings afresh instead of from their checkpoints')
    .option('--checkpoint-dir <dir>', 'where each training writes its checkpoint at every epoch end, to continue from it if its process dies (default: $KDLAB_CHECKPOINT_DIR or .kdlab/checkpoints)')
    .option('--no-checkpoints', 'write no checkpoints (a training whose process dies starts again from its first epoch)')
    .option('--keep-checkpoints', 'keep each training\'s last checkpoint after its run finished (they are removed by default)')
    .option('--check', 'validate the experiment and check its whole plan (data, models, taps, losses, stages), list the trials, and stop: nothing trains, nothing is written')
    .option('--queue <url>', 'enqueue the trials on a Redis queue (redis://host:6379/0) for `kdlab worker` processes on any machines, and watch them (default: $KDLAB_QUEUE)')
    .option('--queue-name <name>', 'the queue\'s name, as the workers are given it (default: kdlab)')
    .option('--detach', 'with --queue: enqueue and exit; the workers run the sweep')
    .option('--no-save-models', 'do not store each trained model under its run\'s artifacts (model/); a cached teacher keeps its weights in the cache')
    .action(async (file: string, options: import('./run-action.js').RunCommandOptions) => {
      const { runAction, CliFailure } = await import('./run-action.js');
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
