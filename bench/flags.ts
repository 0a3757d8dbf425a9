import { parseArgs, type ParseArgsConfig } from 'node:util';

/** The flags a bench script takes, in `node:util` `parseArgs` form. */
export type FlagOptions = NonNullable<ParseArgsConfig['options']>;

/** What {@link parseFlags} needs: the flags, and what `--help` and a bad flag print. */
export interface FlagSpec<O extends FlagOptions> {
  /** The script, which errors start with (e.g. `bench/native/step.ts`). */
  script: string;
  /** How the script is run, for the usage line (e.g. `npx tsx bench/native/step.ts`). */
  command: string;
  /** What the script does, in a line. */
  summary: string;
  /** The flags (long names without `--`; string defaults are shown in the usage). */
  options: O;
  /** What each flag means; every flag has a line, so the usage lists them all. */
  describe: { [K in keyof O]: string };
}

/** A script's flags as parsed: strings, booleans, `undefined` where absent without default. */
export type FlagValues<O extends FlagOptions> = ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: false }>>['values'];

/**
 * The usage text of a bench script: its command and summary, then each flag with what it means and
 * its default.
 *
 * @param spec - The script's flags and descriptions.
 */
export function flagUsage<O extends FlagOptions>(spec: FlagSpec<O>): string {
  const rows: Array<[string, string]> = Object.entries(spec.options).map(([name, option]) => {
    const flag = `--${name}${option.type === 'string' ? ' <value>' : ''}${option.short !== undefined ? `, -${option.short}` : ''}`;
    const fallback = option.default !== undefined && option.type === 'string' ? ` (default: ${String(option.default)})` : '';
    return [flag, `${spec.describe[name as keyof O]}${fallback}`];
  });
  rows.push(['--help, -h', 'print this message']);
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return [`usage: ${spec.command} [flags]`, spec.summary, '', ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`)].join('\n');
}

/**
 * Parses a bench script's command line with `node:util` `parseArgs`, strictly: an unknown flag, a
 * flag without its value or a stray argument stops the script with the error (which names the
 * flag) and the usage, exit code 2; `--help` prints the usage and exits.
 *
 * @param spec - The script's flags and descriptions.
 * @param args - The arguments (default: this process's, after the script).
 */
export function parseFlags<const O extends FlagOptions>(spec: FlagSpec<O>, args: readonly string[] = process.argv.slice(2)): FlagValues<O> {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args: [...args], options: { ...spec.options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }).values;
  } catch (error) {
    process.stderr.write(`${spec.script}: ${(error as Error).message}\n\n${flagUsage(spec)}\n`);
    process.exit(2);
  }
  if (values['help'] === true) {
    process.stdout.write(`${flagUsage(spec)}\n`);
    process.exit(0);
  }
  delete values['help'];
  return values as FlagValues<O>;
}

/**
 * A flag's value as a positive integer; throws naming the script and the flag otherwise.
 *
 * @param script - The script, for the error (e.g. `bench/run.ts`).
 * @param flag - The flag, for the error (e.g. `--rounds`).
 * @param text - The value given (or the flag's default).
 */
export function positiveInteger(script: string, flag: string, text: string): number {
  const parsed = Number(text);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`${script}: ${flag} must be a positive integer, got "${text}"`);
  return parsed;
}
