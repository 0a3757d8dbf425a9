import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Dataset } from '@kdlab/core';
import { countErrors } from '@kdlab/core';
import { tensorSparseBytes } from '@kdlab/core';
import { predictLoadedLogits } from '@kdlab/core';
import { quantizeArtifacts, type QuantizationDtype } from '@kdlab/core';
import { captureArtifacts } from '@kdlab/core';
import { MODEL_JSON_NAME, WEIGHTS_NAME, modelFiles } from '@kdlab/core';
import { modelFolderHandler, writeModelFolder } from '@kdlab/core';
import type { Model } from '@kdlab/core';
import type { MetricPoint, RunHandle } from '@kdlab/core';

const EVAL_BATCH = 512;

/** One quantized save of a model, measured after it was written, read back and run. */
export interface QuantizedMeasurement {
  /** The storage type of its weights. */
  dtype: QuantizationDtype;
  /** Bytes of its `model.json` plus `weights.bin` on disk. */
  bytes: number;
  /** Test examples the loaded model gets wrong. */
  errors: number;
  /** Its test accuracy. */
  accuracy: number;
  /**
   * For a pruned model: the bytes of its weights stored sparse at this storage type, from the weights as
   * loaded back (the uint8 map keeps 0 exact, so pruned weights stay 0): each tensor the smaller of dense
   * and {@link tensorSparseBytes} at 1 (uint8) or 2 (float16) bytes per value. Weights only, no manifest.
   */
  sparseBytes?: number;
}

/** What {@link measureQuantized} found: the float32 save's size and each quantized save's. */
export interface QuantizedMeasurements {
  /** Bytes of the float32 save (`model.json` plus `weights.bin`) on disk. */
  floatBytes: number;
  /** One per dtype asked for, in that order. */
  quantized: QuantizedMeasurement[];
}

/** What {@link measureQuantized} measures. */
export interface MeasureQuantizedOptions {
  /** The trained model. */
  model: Model;
  /** Its data: the test split is predicted. */
  data: Dataset;
  /** The storage types to quantize to. */
  dtypes: readonly QuantizationDtype[];
  /** When given, each quantized save is also stored in this run's artifacts (`model-<dtype>/`). */
  run?: RunHandle;
  /** The model was pruned: also size each quantized save's weights stored sparse ({@link QuantizedMeasurement.sparseBytes}). */
  pruned?: boolean;
}

/**
 * Saves a trained model quantized to each dtype (see {@link quantizeArtifacts}), measured honestly:
 * each save is written to a temporary folder as `model.json` plus `weights.bin` and sized on disk,
 * read back with stock `tf.loadLayersModel` (which dequantizes), and run on the test split. The
 * float32 save is written and sized the same way, for the compression ratio. With `run`, the
 * quantized files (the same bytes) are stored in the run's artifacts under `model-<dtype>/`.
 *
 * @param options - the model, its data, the dtypes and where to store the saves.
 * @throws Error when a quantized save does not load (a custom layer not registered, say).
 */
export async function measureQuantized(options: MeasureQuantizedOptions): Promise<QuantizedMeasurements> {
  const { model, data, run } = options;
  const artifacts = await captureArtifacts(model);
  const scratch = await mkdtemp(join(tmpdir(), 'kdlab-quantize-'));
  try {
    const floatBytes = await writeModelFolder(join(scratch, 'model'), modelFiles(artifacts));
    const quantized: QuantizedMeasurement[] = [];
    for (const dtype of options.dtypes) {
      const folder = `model-${dtype}`;
      const files = modelFiles(quantizeArtifacts(artifacts, dtype));
      const bytes = await writeModelFolder(join(scratch, folder), files);
      const loaded = await tfl.loadLayersModel(modelFolderHandler(join(scratch, folder))).catch((cause: Error) => {
        throw new Error(`The ${dtype}-quantized ${model.kind} model does not load with tf.loadLayersModel: ${cause.message}`, { cause });
      });
      let logits: Float32Array;
      let sparseBytes: number | undefined;
      try {
        logits = await predictLoadedLogits(loaded, data.test, data.inputShape, EVAL_BATCH);
        if (options.pruned) sparseBytes = quantizedSparseBytes(loaded, QUANTIZED_BYTES_PER_VALUE[dtype]);
      } finally {
        loaded.dispose();
      }
      const { errors } = countErrors(logits, data.test.y, data.numClasses);
      quantized.push({ dtype, bytes, errors, accuracy: 1 - errors / data.test.count, ...(sparseBytes !== undefined ? { sparseBytes } : {}) });
      if (run) {
        await run.logArtifact(`${folder}/${MODEL_JSON_NAME}`, files.modelJson);
        await run.logArtifact(`${folder}/${WEIGHTS_NAME}`, files.weights);
      }
    }
    return { floatBytes, quantized };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

const QUANTIZED_BYTES_PER_VALUE: Record<QuantizationDtype, number> = { uint8: 1, float16: 2 };

/** The weights of a loaded (dequantized) model, each tensor stored the smaller way, dense or sparse, at `bytesPerValue`. */
function quantizedSparseBytes(loaded: tfl.LayersModel, bytesPerValue: number): number {
  let bytes = 0;
  for (const weight of loaded.weights) {
    const value = weight.read();
    bytes += tensorSparseBytes(value.dataSync(), value.shape, bytesPerValue);
  }
  return bytes;
}

/**
 * The metrics of {@link measureQuantized}'s measurements: `model/bytes_on_disk` and
 * `quantized/<dtype>/bytes` at step 0 (with `model/bytes`), `quantized/<dtype>/test/accuracy` and
 * `quantized/<dtype>/test/errors` at `step` (with `test/errors`); for a pruned model also
 * `quantized/<dtype>/sparse_bytes` at step 0.
 *
 * @param measured - the measurements.
 * @param step - the step of the test metrics (the number of epochs trained).
 */
export function quantizedMetricPoints(measured: QuantizedMeasurements, step: number): MetricPoint[] {
  const timestamp = Date.now();
  return [
    { key: 'model/bytes_on_disk', value: measured.floatBytes, step: 0, timestamp },
    ...measured.quantized.flatMap((q): MetricPoint[] => [
      { key: `quantized/${q.dtype}/bytes`, value: q.bytes, step: 0, timestamp },
      { key: `quantized/${q.dtype}/test/accuracy`, value: q.accuracy, step, timestamp },
      { key: `quantized/${q.dtype}/test/errors`, value: q.errors, step, timestamp },
      ...(q.sparseBytes !== undefined ? [{ key: `quantized/${q.dtype}/sparse_bytes`, value: q.sparseBytes, step: 0, timestamp }] : []),
    ]),
  ];
}
