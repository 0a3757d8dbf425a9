// The script of the page `kdlab export` writes, bundled with TensorFlow.js and the plugin packages'
// custom layers into kdlab-export.js. It runs in a browser only: the few DOM members it uses are typed
// below, locally, so that core's Node typings stay free of the DOM library.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { EXPORT_FILES, type BatchedLatency, type ExportManifest, type ExportPageResult, type SingleLatency } from '../export-manifest.js';
import { modelInputShape, predictSamples, type SamplePredictions } from '../predict-samples.js';
import { decodeSampleFile, type SampleSet } from '../sample-file.js';

interface PageElement {
  innerHTML: string;
  textContent: string | null;
  className: string;
  title: string;
  append(...children: (PageElement | string)[]): void;
}

interface PageCanvas extends PageElement {
  width: number;
  height: number;
  getContext(kind: '2d'): { createImageData(width: number, height: number): { data: Uint8ClampedArray }; putImageData(image: { data: Uint8ClampedArray }, x: number, y: number): void } | null;
}

interface PageGlobals {
  document: {
    title: string;
    getElementById(id: string): PageElement | null;
    createElement(tag: 'canvas'): PageCanvas;
    createElement(tag: string): PageElement;
  };
  location: { href: string; search: string; protocol: string };
  navigator: { userAgent: string };
  kdlabResult?: ExportPageResult;
  kdlabDone?: Promise<ExportPageResult>;
}

/** The backends the page can run on. */
const PAGE_BACKENDS = ['wasm', 'cpu'] as const;
/** Single-example predictions timed by default (`?runs=` sets another number). */
const DEFAULT_SINGLE_RUNS = 100;
/** Untimed predictions before timing. */
const WARMUP_RUNS = 5;
/** Examples drawn in the page. */
const GALLERY_SIZE = 40;

const page = globalThis as unknown as PageGlobals;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function element(id: string): PageElement {
  const found = page.document.getElementById(id);
  if (found === null) throw new Error(`The page has no #${id} element.`);
  return found;
}

function ms(value: number): string {
  return value < 10 ? value.toFixed(3) : value.toFixed(1);
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

async function fetchOk(url: string): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`);
  return response;
}

/** Sets the backend asked for (`?backend=`, default wasm); falls back to cpu when wasm does not initialise, and says so. */
async function chooseBackend(asked: string): Promise<{ backend: string; note?: string }> {
  if (!(PAGE_BACKENDS as readonly string[]).includes(asked)) throw new Error(`?backend=${asked}: this page runs on ${PAGE_BACKENDS.join(' or ')}.`);
  tf.env().set('PROD', true);
  if (asked === 'wasm') {
    setWasmPaths(new URL(`${EXPORT_FILES.wasmFolder}/`, page.location.href).href);
    const ready = await tf.setBackend('wasm').catch(() => false);
    if (ready) return { backend: 'wasm' };
    await tf.setBackend('cpu');
    return { backend: 'cpu', note: 'the wasm backend did not initialise (see the console): running on cpu' };
  }
  await tf.setBackend('cpu');
  return { backend: 'cpu' };
}

/** The smallest step of `performance.now()` seen in a few tries (browsers coarsen it: 0.1 ms in Chromium unless cross-origin isolated). */
function timerResolution(): number {
  let smallest = Infinity;
  for (let i = 0; i < 5; i += 1) {
    const start = performance.now();
    let next = performance.now();
    while (next === start) next = performance.now();
    smallest = Math.min(smallest, next - start);
  }
  return smallest;
}

/**
 * Milliseconds of single-example predictions, one after another, each read back before the next: the
 * mean from the whole loop's time (exact whatever the timer's resolution), the median and 90th
 * percentile from each prediction's own time (in steps of the timer's resolution).
 */
async function timeSingle(model: tfl.LayersModel, inputs: Float32Array, count: number, inputShape: number[], runs: number): Promise<SingleLatency> {
  const width = inputShape.reduce((a, b) => a * b, 1);
  const once = async (index: number): Promise<number> => {
    const row = inputs.subarray((index % count) * width, ((index % count) + 1) * width);
    const start = performance.now();
    const output = tf.tidy(() => {
      const result = model.predict(tf.tensor(row, [1, ...inputShape]));
      return Array.isArray(result) ? result[0]! : result;
    });
    await output.data();
    const elapsed = performance.now() - start;
    output.dispose();
    return elapsed;
  };
  for (let i = 0; i < WARMUP_RUNS; i += 1) await once(i);
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < runs; i += 1) times.push(await once(i));
  const mean = (performance.now() - start) / runs;
  const sorted = [...times].sort((a, b) => a - b);
  return { runs, median: percentile(sorted, 0.5), mean, p90: percentile(sorted, 0.9), timerResolution: timerResolution() };
}

/** Predicts every sample in batches, after one untimed batch, and times the whole pass. */
async function timeBatched(model: tfl.LayersModel, samples: SampleSet, batchSize: number): Promise<{ predicted: SamplePredictions; latency: BatchedLatency }> {
  const warmup = Math.min(batchSize, samples.count);
  await predictSamples(model, { ...samples, x: samples.x.subarray(0, warmup * samples.x.length / samples.count), y: samples.y.subarray(0, warmup), count: warmup }, batchSize);
  const start = performance.now();
  const predicted = await predictSamples(model, samples, batchSize);
  const totalMs = performance.now() - start;
  return { predicted, latency: { batchSize, images: samples.count, totalMs, perImage: totalMs / samples.count } };
}

function describeSamples(manifest: ExportManifest): string {
  const samples = manifest.samples;
  if (!samples) return 'none (latency measured on zero inputs)';
  const source = samples.source;
  if (!source) return `${samples.count.toLocaleString('en')} examples`;
  const split = `${source.split.train}/${source.split.val}/${source.split.test}`;
  return `the first ${samples.count.toLocaleString('en')} of ${source.testCount.toLocaleString('en')} test examples of ${escapeHtml(source.dataset)} (split ${split}, seed ${source.seed})`;
}

function renderSummary(result: ExportPageResult): void {
  const manifest = result.manifest!;
  const model = manifest.model;
  const run = manifest.source.run;
  const rows: [string, string][] = [
    ['model', `${escapeHtml(model.name)}${model.kind && model.kind !== model.name ? ` (${escapeHtml(model.kind)})` : ''}: ${model.params.toLocaleString('en')} weights stored as ${model.weightsDtype}, ${model.bytes.toLocaleString('en')} bytes`],
    ['from', `${escapeHtml(manifest.source.input)}${run ? ` (run ${escapeHtml(run.runName ?? run.runId)}${run.role ? `, ${escapeHtml(run.role)}` : ''}, ${escapeHtml(run.artifactPath)}/)` : ''}`],
    ['backend', `${escapeHtml(result.backend ?? '?')}${result.wasm ? ` (${result.wasm.simd ? 'SIMD' : 'no SIMD'}, ${result.wasm.threads ? 'threads' : '1 thread'})` : ''}, TensorFlow.js ${escapeHtml(result.tfjsVersion ?? '?')}${result.backendNote ? `: ${escapeHtml(result.backendNote)}` : ''}`],
    ['samples', describeSamples(manifest)],
    ['accuracy', result.accuracy == null ? '-' : `${(result.accuracy * 100).toFixed(2)}% (${result.errors} errors)`],
    ['load', `${ms(result.loadMs ?? 0)} ms (tf.loadLayersModel)`],
  ];
  const batch1 = result.latencyMs!.batch1;
  const batched = result.latencyMs!.batched;
  rows.push(['batch 1', `${ms(batch1.mean)} ms per image (mean of ${batch1.runs}; median ${ms(batch1.median)}, p90 ${ms(batch1.p90)}, timer step ${ms(batch1.timerResolution)} ms)`]);
  if (batched) rows.push([`batch ${batched.batchSize}`, `${ms(batched.perImage)} ms per image (${batched.images.toLocaleString('en')} images in ${ms(batched.totalMs)} ms)`]);
  element('summary').innerHTML = rows.map(([key, value]) => `<tr><th>${key}</th><td>${value}</td></tr>`).join('');
}

/** Draws the first samples that are images (`[h, w, 1]` or `[h, w, 3]`), each with its predicted and true class. */
function renderGallery(samples: SampleSet, predictions: Int32Array): void {
  const [height, width, channels] = samples.inputShape;
  if (samples.inputShape.length !== 3 || (channels !== 1 && channels !== 3) || height === undefined || width === undefined) return;
  let low = Infinity;
  let high = -Infinity;
  for (const v of samples.x) {
    if (v < low) low = v;
    if (v > high) high = v;
  }
  const scale = high > low ? 255 / (high - low) : 0;
  element('legend').textContent = 'The first samples, each with its predicted class; in red the wrong ones, with their label in brackets.';
  const gallery = element('gallery');
  const size = height * width * channels;
  for (let i = 0; i < Math.min(GALLERY_SIZE, samples.count); i += 1) {
    const canvas = page.document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext('2d');
    if (context === null) return;
    const image = context.createImageData(width, height);
    for (let p = 0; p < height * width; p += 1) {
      for (let c = 0; c < 3; c += 1) image.data[p * 4 + c] = (samples.x[i * size + p * channels + (channels === 3 ? c : 0)]! - low) * scale;
      image.data[p * 4 + 3] = 255;
    }
    context.putImageData(image, 0, 0);
    const predicted = samples.classNames[predictions[i]!] ?? String(predictions[i]);
    const actual = samples.classNames[samples.y[i]!] ?? String(samples.y[i]);
    const figure = page.document.createElement('figure');
    figure.className = predictions[i] === samples.y[i] ? 'right' : 'wrong';
    figure.title = `sample ${i}: predicted ${predicted}, label ${actual}`;
    const caption = page.document.createElement('figcaption');
    caption.textContent = predictions[i] === samples.y[i] ? predicted : `${predicted} (${actual})`;
    figure.append(canvas, caption);
    gallery.append(figure);
  }
}

async function run(): Promise<ExportPageResult> {
  if (page.location.protocol === 'file:') {
    throw new Error('Browsers do not let a page opened from a file read the model beside it: serve this folder over http, e.g. `kdlab export <model> --out <folder> --serve`, or `python3 -m http.server --directory <folder>`, and open the address it prints.');
  }
  const params = new URLSearchParams(page.location.search);
  const runsParam = params.get('runs');
  const runs = runsParam === null ? DEFAULT_SINGLE_RUNS : Number(runsParam);
  if (!Number.isSafeInteger(runs) || runs < 1) throw new Error(`?runs=${runsParam}: give a whole number of timed predictions, at least 1.`);
  const chosen = await chooseBackend(params.get('backend') ?? 'wasm');
  const status = element('status');
  status.textContent = `Loading the model on the ${chosen.backend} backend...`;
  const manifest = (await (await fetchOk(new URL(EXPORT_FILES.manifest, page.location.href).href)).json()) as ExportManifest;
  page.document.title = `kdlab export: ${manifest.model.name}`;
  const loadStart = performance.now();
  const model = await tfl.loadLayersModel(new URL(manifest.model.path, page.location.href).href);
  const loadMs = performance.now() - loadStart;
  const base = {
    status: 'done' as const,
    backend: chosen.backend,
    ...(chosen.note ? { backendNote: chosen.note } : {}),
    ...(chosen.backend === 'wasm' ? { wasm: { simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'), threads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') } } : {}),
    tfjsVersion: tf.version_core,
    userAgent: page.navigator.userAgent,
    manifest,
    loadMs,
  };
  let result: ExportPageResult;
  if (manifest.samples) {
    status.textContent = `Predicting ${manifest.samples.count} samples...`;
    const url = new URL(manifest.samples.path, page.location.href).href;
    const samples = decodeSampleFile(new Uint8Array(await (await fetchOk(url)).arrayBuffer()), url);
    const inputShape = modelInputShape(model, samples);
    const { predicted, latency } = await timeBatched(model, samples, manifest.batchSize);
    status.textContent = `Timing ${runs} single-image predictions...`;
    const batch1 = await timeSingle(model, samples.x, samples.count, inputShape, runs);
    result = {
      ...base,
      predictions: [...predicted.predictions],
      outputs: [...predicted.outputs],
      probabilities: [...predicted.probabilities],
      numClasses: predicted.numClasses,
      accuracy: predicted.accuracy,
      errors: predicted.errors,
      latencyMs: { batch1, batched: latency },
    };
    renderGallery(samples, predicted.predictions);
  } else {
    const shape = model.inputs[0]!.shape.slice(1).map((d) => d ?? 1);
    const batch1 = await timeSingle(model, new Float32Array(shape.reduce((a, b) => a * b, 1)), 1, shape, runs);
    result = { ...base, predictions: [], outputs: [], probabilities: [], accuracy: null, errors: null, latencyMs: { batch1, batched: null } };
  }
  model.dispose();
  renderSummary(result);
  status.textContent = 'Done: the results are also in window.kdlabResult.';
  return result;
}

/**
 * Runs the exported page: picks the backend (`?backend=wasm|cpu`, default wasm), loads the model
 * with `tf.loadLayersModel`, predicts the samples in batches and times single-image predictions
 * (`?runs=`, default 100), shows it all, and publishes the result as `window.kdlabResult`. The promise
 * `window.kdlabDone` resolves with the same result, `status: 'error'` included.
 */
export function runExportPage(): Promise<ExportPageResult> {
  const done = run().catch((error: unknown): ExportPageResult => {
    const message = error instanceof Error ? error.message : String(error);
    const status = page.document.getElementById('status');
    if (status) {
      status.textContent = `Error: ${message}`;
      status.className = 'error';
    }
    console.error(`kdlab export page: ${message}`);
    return { status: 'error', error: message };
  });
  page.kdlabDone = done.then((result) => (page.kdlabResult = result));
  return page.kdlabDone;
}
