import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_EXPORT_BATCH_SIZE } from '@kdlab/export';
import { MODEL_VARIANTS } from '@kdlab/export';

function wholeNumber(minimum: number, maximum = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed < minimum || parsed > maximum) {
      throw new InvalidArgumentError(`Give a whole number${maximum === Number.MAX_SAFE_INTEGER ? ` of at least ${minimum}` : ` from ${minimum} to ${maximum}`}.`);
    }
    return parsed;
  };
}

/** The `kdlab export` command: a saved model as a static page that loads and predicts in a browser. */
export function exportCommand(): Command {
  return new Command('export')
    .description(
      'Write a static page that loads a saved model in a browser with tf.loadLayersModel, predicts test samples and times it per image: index.html, a bundle of TensorFlow.js with kdlab\'s custom layers, the model files (copied byte for byte) and the samples',
    )
    .argument('<model>', 'a saved model: its folder (model.json + weights) or model.json; a run id of a local store (its model/ artifacts); or runs:/<run id>/<artifact path>')
    .requiredOption('--out <folder>', 'the folder to write (new, empty, or an earlier export)')
    .addOption(new Option('--variant <dtype>', 'with a run id: its float32 save (model/) or a quantized one (model-uint8/, model-float16/, saved with evaluate.quantize)').choices([...MODEL_VARIANTS]))
    .option('--tracking-uri <uri>', 'the local store a run id is looked up in: a folder or file: URI (default: $MLFLOW_TRACKING_URI, else ./mlruns)')
    .option('--dataset <id>', "the dataset whose test examples the page predicts (default: the run's, from the config.json beside the model)")
    .option('--samples <n>', 'how many test examples (the first ones of the test split, split as in training; default: 1000, or all of a smaller split)', wholeNumber(1))
    .option('--batch-size <n>', `examples per forward pass when the samples are predicted (default ${DEFAULT_EXPORT_BATCH_SIZE})`, wholeNumber(1))
    .option('--plugin <package>', 'also bundle the custom layers of this plugin package (its <package>/browser entry) (repeatable)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--serve', 'then serve the folder over http on this machine until Ctrl-C')
    .option('--port <n>', 'the port --serve listens on (0: any free one)', wholeNumber(0, 65535), 8080)
    .action(async (model: string, options: import('./export-action.js').ExportCommandOptions) => {
      const { exportAction } = await import('./export-action.js');
      process.exitCode = await exportAction(model, options);
    });
}
