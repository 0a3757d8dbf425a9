// The Node-latency peer (docs/results.md): the latency per example of a study's architectures on tfjs-node
// (TensorFlow's C library), measured on a machine of its own rather than inside training runs that share
// the cores with other studies. As the browser peer does, each architecture is built at its seed-0
// initialisation and saved in the study's storages (../latency/save-architectures.ts: latency does not
// depend on the weights' values), each file is loaded back with stock `tf.loadLayersModel`, and timed on
// the study's test examples: one at a time (median over --runs after --warmup), and per example in batches
// of --batch-size over --samples examples (median of --passes passes). The architectures are timed in
// alternation, in 5 rounds that each take a fifth of the runs and passes of every one, so that the
// machine's drift during the run reaches all of them alike. --study picks the study
// (./latency-studies.ts): `compression` (MNIST digits) or `distilbert-spam` (the DistilBERT-style study, tokenized
// SpamAssassin mails).
//   repro/node-latency/run.sh [--study compression] [--out repro/store/node-latency/<study>.json] [--runs 200] [--threads 1]
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRootContainer, modelFolderHandler, pluginRegistries, resolveNativeThreads, selectBackend } from '@kdlab/core';
import { datasetsModule } from '@kdlab/data';
import { loadTestSamples, modelInputShape } from '@kdlab/export';
import { saveLatencyModels } from '../latency/save-architectures.js';
import type { NodeLatency, NodeLatencyResults } from '../page/node-latency.js';
import { nodeLatencyStudy } from './latency-studies.js';
import { median, singleImageTimes, summarizeSingleImages, timeBatches } from './time-predictions.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OPTIONS = {
  study: { type: 'string', default: 'compression' },
  /** Default: the study's file under repro/store/node-latency/. */
  out: { type: 'string' },
  runs: { type: 'string', default: '200' },
  warmup: { type: 'string', default: '20' },
  /** Default: the study's (all of a smaller test split). */
  samples: { type: 'string' },
  'batch-size': { type: 'string', default: '100' },
  passes: { type: 'string', default: '5' },
  threads: { type: 'string', default: '1' },
} as const;

/** A whole number of at least `least` from an option's text; exits naming the option otherwise. */
function wholeNumber(text: string, option: string, least: number): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(value) || value < least) throw new Error(`${option} ${text}: give a whole number of at least ${least}.`);
  return value;
}

/** Rounds the timings are split into, the architectures alternating within each. */
const ROUNDS = 5;

function say(line: string): void {
  process.stderr.write(`node-latency: ${line}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: OPTIONS });
  const study = nodeLatencyStudy(values.study);
  const count = (name: 'runs' | 'warmup' | 'samples' | 'batch-size' | 'passes' | 'threads', least = 1, fallback?: number): number => wholeNumber(values[name] ?? String(fallback), `--${name}`, least);
  const out = resolve(ROOT, values.out ?? study.out);
  const [runs, warmup, samplesCount, batchSize, passes, threads] = [count('runs'), count('warmup', 0), count('samples', 1, study.samples), count('batch-size'), count('passes'), count('threads')];
  const backend = await selectBackend('node', undefined, { threads });
  const pools = resolveNativeThreads({ threads });
  say(`study ${study.id}, backend ${backend.description}`);
  const registries = pluginRegistries(createRootContainer(datasetsModule));
  const samples = await loadTestSamples(registries.datasets, { dataset: study.dataset, split: study.split, seed: 0, count: samplesCount, atMost: true });
  const scratch = await mkdtemp(join(tmpdir(), 'kdlab-node-latency-'));
  const models: NodeLatency[] = [];
  const loadStart = loadavg()[0]!;
  try {
    // every architecture loaded first, then timed in alternation, round after round, so that the
    // machine's drift over the run (a virtual machine's speed moves by tens of percent within minutes)
    // falls on all of them alike instead of on whichever was timed last
    const savedModels = await saveLatencyModels(scratch, study.variants, study.setting);
    const loaded: { saved: (typeof savedModels)[number]; model: tfl.LayersModel; loadMs: number; inputShape: number[] }[] = [];
    for (const saved of savedModels) {
      const started = performance.now();
      const model = await tfl.loadLayersModel(modelFolderHandler(saved.folder));
      loaded.push({ saved, model, loadMs: performance.now() - started, inputShape: modelInputShape(model, samples) });
    }
    try {
      const rounds = Math.min(ROUNDS, runs, passes);
      const singles = loaded.map(() => [] as number[]);
      const perPass = loaded.map(() => [] as number[]);
      for (const entry of loaded) await singleImageTimes(entry.model, samples, entry.inputShape, warmup);
      for (let round = 0; round < rounds; round += 1) {
        const share = (total: number) => Math.floor(total / rounds) + (round < total % rounds ? 1 : 0);
        for (const [i, entry] of loaded.entries()) {
          singles[i]!.push(...(await singleImageTimes(entry.model, samples, entry.inputShape, share(runs), warmup + singles[i]!.length)));
          for (let pass = 0; pass < share(passes); pass += 1) perPass[i]!.push((await timeBatches(entry.model, samples, batchSize, 1)).perImage);
        }
      }
      for (const [i, { saved, loadMs }] of loaded.entries()) {
        const batch1 = summarizeSingleImages(singles[i]!, warmup);
        const batched = { batchSize, images: samples.count, passes, perImage: median([...perPass[i]!].sort((a, b) => a - b)) };
        models.push({ model: saved.model, variant: saved.variant, params: saved.params, bytes: saved.bytes, loadMs, batch1: { ...batch1 }, batched: { ...batched } });
        say(`${saved.model} ${saved.variant}: ${batch1.median.toFixed(3)} ms per example alone (median of ${runs}; mean ${batch1.mean.toFixed(3)}), ${batched.perImage.toFixed(3)} ms in batches of ${batchSize}`);
      }
    } finally {
      for (const { model } of loaded) model.dispose();
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const results: NodeLatencyResults = {
    measuredAt: new Date().toISOString(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    backend: backend.description,
    tfjs: tf.version_core,
    node: process.version,
    threads: { intraOp: pools.intraOp, interOp: pools.interOp },
    loadAverage: { start: loadStart, end: loadavg()[0]! },
    study: study.id,
    samples: { dataset: study.dataset, count: samples.count, split: { ...study.split }, seed: 0, inputShape: [...samples.inputShape] },
    models,
  };
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  say(`wrote ${out} (1-minute load average ${results.loadAverage.start.toFixed(2)} at the start, ${results.loadAverage.end.toFixed(2)} at the end, ${results.cores} cores)`);
}

main().catch((error: unknown) => {
  say((error as Error).message);
  process.exit(1);
});
