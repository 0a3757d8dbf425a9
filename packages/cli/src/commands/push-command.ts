import { Command } from 'commander';

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

const HELP_AFTER = `
Each run is copied once: its experiment is found on the server by name or created, the run is
created with its name, start time and user, and gets its params, tags, every metric value, its
artifacts, and last its status and end time. Parents go before their sweep trials, teachers and
baselines before the runs that name them; mlflow.parentRunId, kdlab.teacher_run_id,
kdlab.baseline_run_id and kdlab.member_run_ids are rewritten to the server's run ids. Runs still
RUNNING are skipped (with the runs that name them) until a later push.

The server's ids are recorded in <store>/.kdlab-push-<hash of the server URL>.json after each run,
so a second push copies nothing again, and a push that stopped (server down, Ctrl-C, kill -9)
resumes the run it was copying and goes on. Each copy also carries the tag kdlab.source_run_id
(its local id), by which a push finds it again if that file is lost.

Credentials come from MLFLOW_TRACKING_TOKEN, MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD
or the URL's user info; they are never printed.

Examples:
  kdlab push --tracking-uri http://mlflow.my-lab:5000
  kdlab push --from repro/store/mlruns --experiment hinton-mnist-full --dry-run

Exit codes: 0 everything chosen is on the server (runs still RUNNING left for later), 1 a run
failed to copy or the server was unavailable (push again to resume), 2 invalid input (no server
given, a store that is missing or unreadable, an unknown --experiment).
`;

/** The `kdlab push` command: copies the runs of a local store to an MLflow tracking server, exactly once. */
export function pushCommand(): Command {
  return new Command('push')
    .description('Copy the runs of a local store (./mlruns) to an MLflow tracking server, exactly once: ids mapped, links kept, resumable')
    .option('--from <store>', 'the local store: a folder or file: URI (default ./mlruns)')
    .option('--tracking-uri <uri>', 'the MLflow server to copy to, http(s)://host:port (default: $MLFLOW_TRACKING_URI)')
    .option('--experiment <name>', 'push only this experiment, with the runs its runs name (repeatable; default: every experiment)', collect)
    .option('--dry-run', 'list what would be copied; send nothing, write nothing')
    .addHelpText('after', HELP_AFTER)
    .action(async (options: import('./push-action.js').PushCommandOptions) => {
      const { pushAction } = await import('./push-action.js');
      process.exitCode = await pushAction(options);
    });
}
