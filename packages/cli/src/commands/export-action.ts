import { resolve } from 'node:path';
import { createRootContainer, pluginRegistries } from '@kdlab/core';
import { DataFileError } from '@kdlab/data';
import { DatasetNotFoundError } from '@kdlab/data';
import { datasetsModule } from '@kdlab/data';
import { splitSchema } from '@kdlab/core';
import { findBrowserEntries } from '@kdlab/export';
import { EXPORT_FILES } from '@kdlab/export';
import { exportModel } from '@kdlab/export';
import { loadTestSamples } from '@kdlab/export';
import { ExportInputError, resolveModelSource, type ModelSource, type ModelVariant } from '@kdlab/export';
import type { SampleSet } from '@kdlab/export';
import { serveFolder } from '@kdlab/export';
import { DEFAULT_PLUGIN_PACKAGES, loadPluginPackages } from '@kdlab/runner';
import { pruningsModule } from '@kdlab/core';
import { EXIT } from '../exit-codes.js';

/** Options of `kdlab export`, as commander parses them. */
export interface ExportCommandOptions {
  out: string;
  variant?: ModelVariant;
  trackingUri?: string;
  dataset?: string;
  samples?: number;
  batchSize?: number;
  plugin: string[];
  serve?: boolean;
  port: number;
}

/** Test examples exported when `--samples` is not given (all of a smaller test split). */
const DEFAULT_SAMPLES = 1000;

function say(line: string): void {
  process.stderr.write(`kdlab export: ${line}\n`);
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(2)} MB`;
}

/** The samples asked for, or none: from `--dataset`, else from the run's config.json beside the model. */
async function chooseSamples(source: ModelSource, options: ExportCommandOptions, plugins: string[]): Promise<SampleSet | undefined> {
  const dataset = options.dataset ?? source.trainedOn?.dataset;
  if (dataset === undefined) {
    if (options.samples !== undefined) throw new ExportInputError(`--samples ${options.samples} needs --dataset <id>: ${source.modelJson} has no kdlab run's config.json beside it to take the dataset from.`);
    return undefined;
  }
  const trainedOn = source.trainedOn?.dataset === dataset ? source.trainedOn : undefined;
  const modules = await loadPluginPackages(plugins).catch((error: Error) => {
    throw new ExportInputError(error.message);
  });
  const registries = pluginRegistries(createRootContainer(datasetsModule, pruningsModule, ...modules));
  try {
    return await loadTestSamples(registries.datasets, {
      dataset,
      split: trainedOn?.split ?? splitSchema.parse({}),
      seed: trainedOn?.seed ?? 0,
      count: options.samples ?? DEFAULT_SAMPLES,
      atMost: options.samples === undefined,
    });
  } catch (error) {
    const prefix = options.samples !== undefined ? `--samples ${options.samples}: ` : '';
    if (error instanceof ExportInputError) throw new ExportInputError(`${options.dataset !== undefined ? `--dataset ${dataset}: ` : ''}${prefix}${error.message}`);
    if (error instanceof DataFileError || error instanceof DatasetNotFoundError) throw new ExportInputError(`dataset ${dataset}: ${error.message}`);
    throw error;
  }
}

/**
 * Runs `kdlab export`: finds the model, picks the samples, writes the folder and, with `--serve`,
 * serves it until Ctrl-C.
 *
 * @returns the exit code: 0 written, 2 invalid input (nothing written), 1 another failure.
 */
export async function exportAction(input: string, options: ExportCommandOptions): Promise<number> {
  try {
    const source = await resolveModelSource(input, { ...(options.variant !== undefined ? { variant: options.variant } : {}), ...(options.trackingUri !== undefined ? { trackingUri: options.trackingUri } : {}) });
    const plugins = [...DEFAULT_PLUGIN_PACKAGES, ...options.plugin];
    const samples = await chooseSamples(source, options, plugins);
    const outDir = resolve(options.out);
    const summary = await exportModel({ source, outDir, ...(samples ? { samples } : {}), ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}), browserEntries: findBrowserEntries(plugins) });
    const model = summary.manifest.model;
    say(`model ${model.name}${model.kind && model.kind !== model.name ? ` (${model.kind})` : ''}: ${model.params.toLocaleString('en')} weights as ${model.weightsDtype}, ${model.bytes.toLocaleString('en')} bytes, from ${source.modelJson}`);
    const from = samples?.source;
    if (samples) say(`samples: ${samples.count} test examples${from ? ` of ${from.dataset} (of ${from.testCount}; split ${from.split.train}/${from.split.val}/${from.split.test}, seed ${from.seed})` : ''}, ${megabytes(summary.samplesBytes)}`);
    else say('samples: none (give --dataset to predict test examples in the page)');
    say(`wrote ${outDir}/: ${EXPORT_FILES.page}, ${EXPORT_FILES.bundle} (${megabytes(summary.bundleBytes)}), ${EXPORT_FILES.modelFolder}/, ${EXPORT_FILES.wasmFolder}/, ${samples ? `${EXPORT_FILES.samples}, ` : ''}${EXPORT_FILES.manifest}`);
    if (!options.serve) {
      say(`open it over http (not as a file): kdlab export ... --serve, or python3 -m http.server --directory ${options.out}`);
      return EXIT.ok;
    }
    const served = await serveFolder(outDir, { port: options.port }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') throw new ExportInputError(`--port ${options.port}: ${error.code === 'EADDRINUSE' ? 'the port is in use' : 'not allowed to listen there'} (give another, or --port 0 for any free one); the folder is written.`);
      throw error;
    });
    say(`serving ${outDir}/ at ${served.url} (Ctrl-C to stop)`);
    // Kept until the server is closed, so that a second signal meanwhile does not kill the process.
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    await stopped;
    await served.close();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    return EXIT.ok;
  } catch (error) {
    process.stderr.write(`kdlab export: ${(error as Error).message}\n`);
    return error instanceof ExportInputError ? EXIT.invalidInput : EXIT.runFailed;
  }
}
