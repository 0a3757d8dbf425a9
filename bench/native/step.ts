/**
 * Samples per second of one teacher training step (MLP 784-1200-1200-10, ReLU, softmax
 * cross-entropy, Adam, batch 128) on the native backend (tfjs-node, e.g. built by `kdlab native build`)
 * against tfjs' wasm backend with kdlab's kernels. Run from the repository root:
 * `npx tsx --conditions=@kdlab/source bench/native/step.ts` (options: `--steps 10`, `--rounds 3`,
 * `--backends node,wasm`, `--threads N` for the native backend's intra-op threads; `--help` lists them).
 * Rounds alternate between the backends and each keeps its best round, so that load from other
 * processes on the machine disturbs the comparison as little as possible.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { parseBackendRequest, selectBackend, type BackendInfo, type BackendName } from '@kdlab/core';
import { parseFlags, positiveInteger } from '../flags.js';
import { medianStepMs, parseRounds, roundFlags } from '../step-rounds.js';

const BATCH_SIZE = 128;

interface Options {
  steps: number;
  rounds: number;
  backends: BackendName[];
  threads?: number;
}

const SCRIPT = 'bench/native/step.ts';
const ROUNDS = roundFlags('10', 'backend');

const FLAGS = {
  script: SCRIPT,
  command: `npx tsx --conditions=@kdlab/source ${SCRIPT}`,
  summary: "The MLP teacher's training step on the native backend (tfjs-node) against wasm, in alternating rounds.",
  options: {
    ...ROUNDS.options,
    backends: { type: 'string', default: 'node,wasm' },
    threads: { type: 'string' },
  },
  describe: {
    ...ROUNDS.describe,
    backends: 'backends to time, comma-separated',
    threads: "the native backend's intra-op threads (default: kdlab's choice)",
  },
} as const;

function parseOptions(argv: string[]): Options {
  const flags = parseFlags(FLAGS, argv);
  return {
    ...parseRounds(SCRIPT, flags),
    backends: flags.backends.split(',').map((name) => parseBackendRequest(name, '--backends') as BackendName),
    ...(flags.threads !== undefined ? { threads: positiveInteger(SCRIPT, '--threads', flags.threads) } : {}),
  };
}

/** One backend's teacher model, optimiser and batch, and a step function that frees what it makes. */
interface TeacherStep {
  backend: BackendInfo;
  step: () => void;
  dispose: () => void;
}

function teacherStep(backend: BackendInfo): TeacherStep {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 1200, activation: 'relu', inputShape: [784] }),
      tfl.layers.dense({ units: 1200, activation: 'relu' }),
      tfl.layers.dense({ units: 10 }),
    ],
  });
  const x = tf.randomNormal([BATCH_SIZE, 784], 0, 1, 'float32', 1);
  const y = tf.tidy(() => tf.oneHot(tf.cast(tf.floor(tf.randomUniform([BATCH_SIZE], 0, 10, 'float32', 2)), 'int32'), 10));
  const optimizer = tf.train.adam(1e-3);
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  return {
    backend,
    step: () => {
      const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar, true, variables);
      loss?.dataSync();
      loss?.dispose();
    },
    dispose: () => {
      optimizer.dispose();
      model.dispose();
      tf.dispose([x, y]);
    },
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const workloads: TeacherStep[] = [];
  for (const name of options.backends) {
    try {
      const backend = await selectBackend(name, undefined, options.threads !== undefined ? { threads: options.threads } : {});
      const workload = teacherStep(backend);
      for (let warmUp = 0; warmUp < 3; warmUp++) workload.step();
      workloads.push(workload);
      console.log(`${name}: ${backend.description}`);
    } catch (error) {
      console.log(`${name}: skipped (${(error as Error).message.split('\n')[0]})`);
    }
  }
  const best = new Map<TeacherStep, number>();
  for (let round = 0; round < options.rounds; round++) {
    for (const workload of workloads) {
      await tf.setBackend(workload.backend.tfBackend);
      best.set(workload, Math.min(best.get(workload) ?? Number.POSITIVE_INFINITY, medianStepMs(workload.step, options.steps)));
    }
  }
  console.log(`\nteacher step: MLP 784-1200-1200-10, Adam, batch ${BATCH_SIZE}; median of ${options.steps} steps, best of ${options.rounds} rounds`);
  console.log('| backend | ms/step | samples/s |');
  console.log('|---|---:|---:|');
  for (const workload of workloads) {
    const ms = best.get(workload)!;
    console.log(`| ${workload.backend.name} | ${ms.toFixed(1)} | ${((BATCH_SIZE / ms) * 1000).toFixed(0)} |`);
  }
  const [first, second] = workloads;
  if (first !== undefined && second !== undefined) console.log(`\n${first.backend.name} is ${(best.get(second)! / best.get(first)!).toFixed(1)}x ${second.backend.name}`);
  for (const workload of workloads) {
    await tf.setBackend(workload.backend.tfBackend);
    workload.dispose();
  }
}

await main();
