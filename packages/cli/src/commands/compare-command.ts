import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { buildComparison, NothingToCompareError } from '@kdlab/report';
import { GroupingPathError } from '@kdlab/report';
import { CURVE_METRIC, DEFAULT_COMPARED_METRIC } from '@kdlab/report';
import { COMPARISON_FORMATS, type ComparisonFormat } from '@kdlab/report';
import { renderComparison } from '@kdlab/report';
import { openRunSource } from '@kdlab/report';
import { loadLinkedRuns } from '@kdlab/report';
import { ExperimentNotFoundError, type RunSource } from '@kdlab/report';
import { endRunsLeftByGoneProcesses, storeLocationOfSource } from '../end-gone-runs-notes.js';
import { EXIT } from '../exit-codes.js';

/** Options of `kdlab compare`. */
interface CompareCommandOptions {
  by: string[];
  trackingUri?: string;
  format: ComparisonFormat;
  out?: string;
  metric: string;
}

/**
 * Where an HTML report goes when no `--out` is given: `<experiment>-compare.html` in the current
 * folder (characters unsafe in file names replaced by `_`).
 *
 * @param experimentName - The experiment.
 */
export function defaultHtmlReportPath(experimentName: string): string {
  return `${experimentName.replace(/[^A-Za-z0-9._-]+/g, '_')}-compare.html`;
}

async function compareAction(experimentName: string, options: CompareCommandOptions): Promise<number> {
  let source: RunSource;
  try {
    source = openRunSource(options.trackingUri ?? process.env['MLFLOW_TRACKING_URI']);
  } catch (error) {
    process.stderr.write(`kdlab compare: ${(error as Error).message}\n`);
    return EXIT.invalidInput;
  }
  try {
    for (const line of await endRunsLeftByGoneProcesses(storeLocationOfSource(source))) process.stderr.write(`kdlab compare: ${line}\n`);
    const needsCurves = options.format === 'html' || options.format === 'json';
    const runs = await loadLinkedRuns(source, await source.loadExperimentRuns(experimentName, { historyKeys: needsCurves ? [CURVE_METRIC] : [] }));
    const comparison = buildComparison(runs, { metric: options.metric, by: options.by });
    const text = await renderComparison(comparison, options.format);
    const out = options.out ?? (options.format === 'html' ? defaultHtmlReportPath(experimentName) : undefined);
    if (out === undefined) {
      process.stdout.write(text);
    } else {
      const path = resolve(out);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
      process.stderr.write(`kdlab compare: wrote ${options.format} report to ${path}\n`);
      if (options.format !== 'table') for (const note of comparison.notes) process.stderr.write(`note: ${note}\n`);
    }
    return EXIT.ok;
  } catch (error) {
    const invalid = error instanceof ExperimentNotFoundError || error instanceof NothingToCompareError || error instanceof GroupingPathError;
    process.stderr.write(`kdlab compare: ${(error as Error).message}\n`);
    return invalid ? EXIT.invalidInput : EXIT.runFailed;
  } finally {
    await source.close();
  }
}

/** The `kdlab compare` command: statistics over seeds of an experiment's finished runs, as a table, Markdown, CSV, JSON or an HTML report. */
export function compareCommand(): Command {
  return new Command('compare')
    .description(
      "Compare an experiment's finished distilled runs with their baselines and teachers: per group of swept values, mean, sd and 95% CI over seeds, the paired difference from the baseline (t-test), gap recovered, retention, compression and speed-up",
    )
    .argument('<experiment-name>', 'the MLflow experiment (the experiment file\'s name)')
    .option('--by <path>', 'group by this config path, e.g. losses.1.temperature (repeatable; default: every swept path that varies)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--tracking-uri <uri>', 'where the runs are: a folder or file: URI (default ./mlruns), or http(s)://host of an MLflow server (default: $MLFLOW_TRACKING_URI)')
    .addOption(new Option('--format <format>', 'output format').choices([...COMPARISON_FORMATS]).default('table'))
    .option('--out <file>', 'write to this file instead of stdout (html default: <experiment>-compare.html)')
    .option('--metric <key>', 'the metric compared (its test/best/ variant is shown beside it)', DEFAULT_COMPARED_METRIC)
    .action(async (experimentName: string, options: CompareCommandOptions) => {
      process.exitCode = await compareAction(experimentName, options);
    });
}
