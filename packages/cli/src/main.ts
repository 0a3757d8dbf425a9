import { Command } from 'commander';
import { compareCommand } from './commands/compare-command.js';
import { exportCommand } from './commands/export-command.js';
import { listCommand } from './commands/list-command.js';
import { nativeCommand } from './commands/native-command.js';
import { pushCommand } from './commands/push-command.js';
import { runCommand } from './commands/run-command.js';
import { syncCommand } from './commands/sync-command.js';
import { workerCommand } from './commands/worker-command.js';
import { queueWorkerCommand } from './commands/queue-worker-command.js';
import { CommanderError, throwOnUsageErrors, usageExitCode } from './usage-errors.js';

/** Builds the `kdlab` command-line program. */
export function createProgram(): Command {
  return new Command('kdlab')
    .description('kdlab: knowledge-distillation experiments in TypeScript, logged as MLflow runs')
    .version('0.1.0')
    .addCommand(runCommand())
    .addCommand(listCommand())
    .addCommand(nativeCommand())
    .addCommand(compareCommand())
    .addCommand(syncCommand())
    .addCommand(pushCommand())
    .addCommand(exportCommand())
    .addCommand(queueWorkerCommand())
    .addCommand(workerCommand(), { hidden: true })
    .showHelpAfterError();
}

/** Runs the CLI with the process's arguments; a usage error exits with 2 (commander's message, no stack). */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  try {
    await throwOnUsageErrors(createProgram()).parseAsync([...argv]);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    process.exitCode = usageExitCode(error);
  }
}
