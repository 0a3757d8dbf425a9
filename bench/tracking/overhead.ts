// How much does tracking to an MLflow server add to a training step?
//
//   npx tsx --conditions=@kdlab/source bench/tracking/overhead.ts [--steps N] [--rounds R] [--backend wasm|cpu]
//
// Trains a 784-256-10 MLP (batch 128, SGD) for N steps per round, alternating rounds without tracking
// and with MlflowServerTracker sending to a loopback MLflow-like server in another process (journal on
// disk, fsync'd, background batching). Two logging patterns are measured:
//   per-step:  train/loss, train/loss_ce, train/loss_hinton every step (awaited, as a trainer would),
//              plus 4 epoch metrics every 50 steps and a tag per epoch;
//   per-epoch: what kdlab's trainer logs: 8 metrics every 50 steps.
// It prints the median step time of each configuration and the overhead relative to no tracking.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { MlflowServerTracker, parseBackendRequest, selectBackend, type RunHandle } from '@kdlab/core';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '400' }, rounds: { type: 'string', default: '5' }, backend: { type: 'string', default: 'wasm' } } });
const STEPS = Number(values.steps);
const ROUNDS = Number(values.rounds);
const EPOCH_STEPS = 50;
const BATCH = 128;

type Pattern = 'none' | 'per-step' | 'per-epoch';

const backend = await selectBackend(parseBackendRequest(values.backend, '--backend'));
const server = spawn(process.execPath, ['--conditions=@kdlab/source', '--import', 'tsx', join(import.meta.dirname, 'loopback-server.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise<string>((resolve) => createInterface({ input: server.stdout }).once('line', resolve));
const journalDir = mkdtempSync(join(tmpdir(), 'kdlab-bench-journal-'));

// The model and data: fixed random inputs, one-hot labels.
const x = tf.randomNormal([BATCH, 784], 0, 1, 'float32', 1);
const y = tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32', 2), 10).toFloat();
const w1 = tf.variable(tf.randomNormal([784, 256], 0, 0.05, 'float32', 3));
const w2 = tf.variable(tf.randomNormal([256, 10], 0, 0.05, 'float32', 4));
const optimizer = tf.train.sgd(0.01);
async function trainStep(): Promise<number> {
  const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, tf.matMul(tf.relu(tf.matMul(x, w1)), w2)) as tf.Scalar, true)!;
  const value = (await loss.data())[0]!;
  loss.dispose();
  return value;
}

async function log(run: RunHandle | undefined, pattern: Pattern, step: number, loss: number): Promise<void> {
  if (run === undefined) return;
  if (pattern === 'per-step') {
    await run.logMetrics([
      { key: 'train/loss', value: loss, step },
      { key: 'train/loss_ce', value: loss * 0.3, step },
      { key: 'train/loss_hinton', value: loss * 0.7, step },
    ]);
  }
  if ((step + 1) % EPOCH_STEPS === 0) {
    const epoch = (step + 1) / EPOCH_STEPS;
    const epochMetrics = [
      { key: 'val/accuracy', value: 0.9, step: epoch },
      { key: 'time/epoch_s', value: 1.5, step: epoch },
      { key: 'time/samples_per_s', value: 4000, step: epoch },
      { key: 'train/lr', value: 0.01, step: epoch },
    ];
    if (pattern === 'per-epoch') {
      epochMetrics.push(
        { key: 'train/loss', value: loss, step: epoch },
        { key: 'train/loss_ce', value: loss * 0.3, step: epoch },
        { key: 'train/loss_hinton', value: loss * 0.7, step: epoch },
        { key: 'val/loss', value: loss, step: epoch },
      );
    }
    await run.logMetrics(epochMetrics);
    if (pattern === 'per-step') await run.setTags({ 'kdlab.last_epoch': String(epoch) });
  }
}

/** Median step time (ms) of one round: STEPS steps, logging with `pattern`. */
async function round(pattern: Pattern, index: number): Promise<number> {
  const tracker = pattern === 'none' ? undefined : new MlflowServerTracker({ trackingUri: url, journalDir, env: {} });
  const run = await tracker?.startRun({ experimentName: 'overhead-bench', runName: `${pattern}-${index}`, tags: { 'mlflow.user': 'bench' } });
  await run?.logParams({ steps: STEPS, batch: BATCH, pattern });
  const times: number[] = [];
  for (let step = 0; step < STEPS; step += 1) {
    const started = performance.now();
    const loss = await trainStep();
    await log(run, pattern, step, loss);
    times.push(performance.now() - started);
  }
  await run?.end('FINISHED');
  await tracker?.close();
  return median(times);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

try {
  for (let step = 0; step < 50; step += 1) await trainStep(); // warm-up
  const patterns: Pattern[] = ['none', 'per-step', 'per-epoch'];
  const results = new Map<Pattern, number[]>(patterns.map((pattern) => [pattern, []]));
  for (let index = 0; index < ROUNDS; index += 1) {
    for (const pattern of index % 2 === 0 ? patterns : [...patterns].reverse()) results.get(pattern)!.push(await round(pattern, index));
  }
  const base = median(results.get('none')!);
  console.log(`backend ${backend.description}; ${ROUNDS} rounds x ${STEPS} steps per configuration (MLP 784-256-10, batch ${BATCH})`);
  console.log(`no tracking:          median step ${base.toFixed(3)} ms`);
  for (const pattern of ['per-step', 'per-epoch'] as const) {
    const tracked = median(results.get(pattern)!);
    const overhead = ((tracked - base) / base) * 100;
    console.log(`${`tracking ${pattern}:`.padEnd(22)}median step ${tracked.toFixed(3)} ms, overhead ${overhead >= 0 ? '+' : ''}${overhead.toFixed(2)}%`);
  }
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  rmSync(journalDir, { recursive: true, force: true });
  tf.dispose([x, y, w1, w2]);
}
