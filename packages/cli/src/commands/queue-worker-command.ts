import { Command, Option } from 'commander';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The `kdlab worker` command: takes sweep jobs from a Redis queue (`kdlab run --queue`). */
export function queueWorkerCommand(): Command {
  return new Command('worker')
    .description('Take the trials of queued sweeps (kdlab run --queue) from Redis and run them on this machine; runs go to each sweep\'s tracking server')
    .option('--queue <url>', 'the Redis queue: redis://[:password@]host:6379/0 (default: $KDLAB_QUEUE)')
    .option('--queue-name <name>', 'the queue\'s name, as given to kdlab run (default: kdlab)')
    .option('--concurrency <n>', 'trials at once, one trial process each (default: one per GPU with --backend node-gpu, else the number of cores)')
    .option('--threads <n>', 'threads of a native TensorFlow backend in each trial process (default: $KDLAB_THREADS, or the cores shared among --concurrency)')
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend, loaded once by each trial process (default: $KDLAB_BACKEND or auto)').choices(['auto', 'node-gpu', 'node', 'wasm', 'cpu']))
    .option('--gpus <list>', 'GPUs for the trial processes, one each: auto (CUDA_VISIBLE_DEVICES, else nvidia-smi), none, or a list such as 0,1 (default: auto with node-gpu, else none)')
    .option('--plugin <package>', 'also load this plugin package (exporting kdlabModule): jobs that need it can run here (repeatable)', collect, [])
    .option('--cache-dir <dir>', 'local cache of trained teachers and baselines, in front of the tracking server\'s artifacts (default: $KDLAB_CACHE_DIR or .kdlab/cache)')
    .option('--no-cache', 'keep no local cache (teachers still come from the tracking server\'s artifacts when another machine trained them)')
    .option('--checkpoint-dir <dir>', 'where each training writes its checkpoint (default: $KDLAB_CHECKPOINT_DIR or .kdlab/checkpoints)')
    .option('--no-checkpoints', 'write no checkpoints')
    .option('--keep-checkpoints', 'keep each training\'s last checkpoint after its run finished')
    .option('--no-save-models', 'do not store each trained model under its run\'s artifacts (model/)')
    .option('--lock-duration <seconds>', 'how long a job stays this worker\'s without a heartbeat before another worker takes it over (default: 60)')
    .option('--stalled-interval <seconds>', 'how often this worker looks for jobs whose worker died (default: 15)')
    .action(async (options: import('./queue-worker-action.js').QueueWorkerOptions) => {
      const { queueWorkerAction } = await import('./queue-worker-action.js');
      const { CliFailure } = await import('../cli-failure.js');
      try {
        process.exitCode = await queueWorkerAction(options);
      } catch (error) {
        if (error instanceof CliFailure) {
          process.stderr.write(`kdlab worker: ${error.message}\n`);
          process.exitCode = error.exitCode;
        } else throw error;
      }
    });
}
