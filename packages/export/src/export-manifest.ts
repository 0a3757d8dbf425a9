// Browser-safe: the exported page reads the manifest and publishes its result with these types.
import type { SampleSource } from './sample-file.js';

/** The files and folders of an exported page, relative to the export folder. */
export const EXPORT_FILES = {
  /** The page. */
  page: 'index.html',
  /** TensorFlow.js, kdlab's custom layers and the page's script, in one browser bundle. */
  bundle: 'kdlab-export.js',
  /** What was exported ({@link ExportManifest}), read by the page and by `predictExportFolder`. */
  manifest: 'export.json',
  /** The test examples with their labels (see `encodeSampleFile`). */
  samples: 'samples.bin',
  /** The model's files, copied byte for byte. */
  modelFolder: 'model',
  /** The WebAssembly binaries of TensorFlow.js's wasm backend. */
  wasmFolder: 'wasm',
} as const;

/** The storage type of a model's weights, read from its manifest (`mixed` when its weights differ). */
export type WeightsDtype = 'float32' | 'uint8' | 'float16' | 'mixed';

/** The model of an export. */
export interface ExportedModel {
  /** Its `model.json`, relative to the export folder (`model/model.json`). */
  readonly path: string;
  /** The model's name in its topology. */
  readonly name: string;
  /** kdlab's model family (`mlp`, `cnn`, ...) when kdlab saved it. */
  readonly kind?: string;
  /** Number of weights: the sum over the manifest's weight shapes. */
  readonly params: number;
  /** How the weights are stored. */
  readonly weightsDtype: WeightsDtype;
  /** Bytes of the model's files (`model.json` and its weight files). */
  readonly bytes: number;
}

/** The MLflow run an exported model was taken from. */
export interface ExportedRun {
  /** The run's id. */
  readonly runId: string;
  /** Its experiment's id. */
  readonly experimentId: string;
  /** The run's name. */
  readonly runName?: string;
  /** Its `kdlab.role` tag: `teacher`, `baseline`, `distilled`, ... */
  readonly role?: string;
  /** The model's folder in the run's artifacts: `model`, `model-uint8` or `model-float16`. */
  readonly artifactPath: string;
}

/** Where an exported model came from. */
export interface ExportSource {
  /** The argument given to `kdlab export`: a path, a run id or a `runs:/` URI. */
  readonly input: string;
  /** The run, when it was one (or a folder of one's artifacts given as a run). */
  readonly run?: ExportedRun;
}

/** The samples file of an export. */
export interface ExportedSamples {
  /** The file, relative to the export folder (`samples.bin`). */
  readonly path: string;
  /** How many examples it holds. */
  readonly count: number;
  /** Where they come from, when known. */
  readonly source?: SampleSource;
}

/** What `kdlab export` wrote: the content of `export.json`. */
export interface ExportManifest {
  /** `'kdlab-export'`. */
  readonly format: 'kdlab-export';
  /** The version of this layout: 1. */
  readonly version: 1;
  /** The model. */
  readonly model: ExportedModel;
  /** Where it came from. */
  readonly source: ExportSource;
  /** The test examples, when the export carries some. */
  readonly samples?: ExportedSamples;
  /** Examples per forward pass when the samples are predicted. */
  readonly batchSize: number;
  /** The TensorFlow.js version of the page's bundle. */
  readonly tfjsVersion: string;
  /** When the export was written (ISO 8601). */
  readonly createdAt: string;
}

/** Latency of single-example predictions, measured one after another. */
export interface SingleLatency {
  /** Timed predictions (after warm-up ones). */
  readonly runs: number;
  /** Median milliseconds of one prediction. */
  readonly median: number;
  /** Mean milliseconds per prediction: the whole loop's time over `runs`. */
  readonly mean: number;
  /** 90th percentile, milliseconds. */
  readonly p90: number;
  /** The smallest step of the page's clock, milliseconds (the median and p90 come in such steps; the mean does not). */
  readonly timerResolution: number;
}

/** Latency of predicting every sample in batches. */
export interface BatchedLatency {
  /** Examples per forward pass. */
  readonly batchSize: number;
  /** Examples predicted. */
  readonly images: number;
  /** Milliseconds for all of them. */
  readonly totalMs: number;
  /** `totalMs / images`. */
  readonly perImage: number;
}

/** What TensorFlow.js's wasm backend uses in the page. */
export interface WasmFeatures {
  /** WebAssembly SIMD instructions. */
  readonly simd: boolean;
  /** Several threads (only in a cross-origin isolated page). */
  readonly threads: boolean;
}

/** The latencies the page measured. */
export interface PageLatency {
  /** One example at a time. */
  readonly batch1: SingleLatency;
  /** All samples in batches; `null` without samples. */
  readonly batched: BatchedLatency | null;
}

/**
 * What the exported page found, published as `window.kdlabResult` (and as the value of the promise
 * `window.kdlabDone`) for scripts and tests.
 */
export interface ExportPageResult {
  /** `done`, or `error` with {@link ExportPageResult.error}. */
  readonly status: 'done' | 'error';
  /** What went wrong, when the status is `error`. */
  readonly error?: string;
  /** The TensorFlow.js backend the page ran on (`wasm` or `cpu`). */
  readonly backend?: string;
  /** Why the page runs on another backend than the one asked for. */
  readonly backendNote?: string;
  /** With the wasm backend: what it uses. */
  readonly wasm?: WasmFeatures;
  /** The TensorFlow.js version running. */
  readonly tfjsVersion?: string;
  /** The browser's user agent. */
  readonly userAgent?: string;
  /** The manifest the page read. */
  readonly manifest?: ExportManifest;
  /** Milliseconds `tf.loadLayersModel` took (fetching included). */
  readonly loadMs?: number;
  /** Predicted class per sample (empty without samples). */
  readonly predictions?: number[];
  /** The model's first output per sample, row-major. */
  readonly outputs?: number[];
  /** Softmax of the outputs, row-major. */
  readonly probabilities?: number[];
  /** Width of an output row. */
  readonly numClasses?: number;
  /** Accuracy on the samples; `null` without samples. */
  readonly accuracy?: number | null;
  /** Samples predicted wrong; `null` without samples. */
  readonly errors?: number | null;
  /** Milliseconds per example: one at a time, and in batches. */
  readonly latencyMs?: PageLatency;
}

/**
 * The storage type of a model's weights from its weights manifest: `quantization.dtype` where a
 * weight has one, else its `dtype`.
 *
 * @param weights - the manifest's weight entries.
 */
export function weightsDtypeOf(weights: readonly { dtype: string; quantization?: { dtype: string } }[]): WeightsDtype {
  const kinds = new Set(weights.map((w) => w.quantization?.dtype ?? w.dtype));
  if (kinds.size !== 1) return kinds.size === 0 ? 'float32' : 'mixed';
  const [only] = kinds;
  return only === 'uint8' || only === 'float16' || only === 'float32' ? only : 'mixed';
}
