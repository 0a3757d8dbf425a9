import { CommanderError, type Command } from 'commander';
import { EXIT } from './exit-codes.js';

/**
 * Makes commander throw a {@link CommanderError} instead of exiting, on the program and on every
 * subcommand (commander does not pass the setting on to commands added with `addCommand`), so that
 * {@link usageExitCode} decides the exit code. Commander has printed its message by then.
 *
 * @param program - The program, with its subcommands added.
 * @returns the program.
 */
export function throwOnUsageErrors(program: Command): Command {
  program.exitOverride();
  for (const command of program.commands) throwOnUsageErrors(command);
  return program;
}

/**
 * The exit code for what commander threw: 0 after `--help` or `--version`, 2 ({@link EXIT}'s
 * `invalidInput`) for every usage error (an unknown option or command, an invalid choice, a missing
 * argument), where commander itself would exit with 1.
 *
 * @param error - What commander threw.
 */
export function usageExitCode(error: CommanderError): number {
  return error.exitCode === 0 ? EXIT.ok : EXIT.invalidInput;
}

export { CommanderError };
