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
import { MlflowServerTracker } from '@kdlab/tracking';
import { parseBackendRequest, selectBackend, type RunHandle } from '@kdlab/core';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '400' }, rounds: { type: 'string', default: '8' }, backend: { type: 'string', default: 'wasm' } } });
const STEPS = Number(values.steps);
const ROUNDS = Number(values.rounds);
const EPOCH_STEPS = 50;
const BATCH = 128;

type Pattern = 'none' | 'per-step' | 'per-epoch';

const backend = await selectBackend(parseBackendRequest(values.backend, '--backend'));
const server = spawn(process.execPath, ['--conditions=@kdlab/source', '--import', 'tsx', join(import.meta.dirname, 'loopback-server.ts')], { stdio: ['pipe', 'pipe', 'inherit'] });
const url = await new Promise<string>((resolve) => createInterface({ input: server.stdout }).once('line', resolve));
const journalDir = mkdtempSync(join(tmpdir(), 'kdlab-bench-journal-'));

// The model and data: fixed random inputs, one-hot labels.
const x = tf.randomNormal([BATCH, 784], 0, 1, 'float32', 1);
const y = tf.cast(tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32', 2), 10), 'float32');
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

/** What one round measured. */
interface RoundResult {
  /** Median wall time of a step (training and logging), ms. */
  medianStepMs: number;
  /** Mean wall time of a step, ms (includes the rare steps that meet background sending). */
  meanStepMs: number;
  /** Mean time spent inside the tracker's calls per step, ms. */
  inCallMs: number;
}

/** One round: STEPS steps, logging with `pattern`. */
async function round(pattern: Pattern, index: number): Promise<RoundResult> {
  const tracker = pattern === 'none' ? undefined : new MlflowServerTracker({ trackingUri: url, journalDir, env: {} });
  const run = await tracker?.startRun({ experimentName: 'overhead-bench', runName: `${pattern}-${index}`, tags: { 'mlflow.user': 'bench' } });
  await run?.logParams({ steps: STEPS, batch: BATCH, pattern });
  const times: number[] = [];
  let inCall = 0;
  for (let step = 0; step < STEPS; step += 1) {
    const started = performance.now();
    const loss = await trainStep();
    const logged = performance.now();
    await log(run, pattern, step, loss);
    const ended = performance.now();
    inCall += ended - logged;
    times.push(ended - started);
  }
  await run?.end('FINISHED');
  await tracker?.close();
  return { medianStepMs: median(times), meanStepMs: times.reduce((a, b) => a + b, 0) / times.length, inCallMs: inCall / STEPS };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

try {
  for (let step = 0; step < 50; step += 1) await trainStep(); // warm-up
  const patterns: Pattern[] = ['none', 'per-step', 'per-epoch'];
  const results = new Map<Pattern, RoundResult[]>(patterns.map((pattern) => [pattern, []]));
  for (let index = 0; index < ROUNDS; index += 1) {
    for (const pattern of index % 2 === 0 ? patterns : [...patterns].reverse()) results.get(pattern)!.push(await round(pattern, index));
  }
  // Per configuration, the median over rounds of each round's median and mean step time.
  const summary = (pattern: Pattern, field: keyof RoundResult): number => median(results.get(pattern)!.map((result) => result[field]));
  const percent = (value: number): string => `${value >= 0 ? '+' : ''}${value.toFixed(2)}%`;
  const base = { median: summary('none', 'medianStepMs'), mean: summary('none', 'meanStepMs') };
  console.log(`backend ${backend.description}; ${ROUNDS} rounds x ${STEPS} steps per configuration, interleaved (MLP 784-256-10, batch ${BATCH})`);
  console.log(`no tracking:          step median ${base.median.toFixed(3)} ms, mean ${base.mean.toFixed(3)} ms`);
  for (const pattern of ['per-step', 'per-epoch'] as const) {
    const tracked = { median: summary(pattern, 'medianStepMs'), mean: summary(pattern, 'meanStepMs'), inCall: summary(pattern, 'inCallMs') };
    console.log(
      `${`tracking ${pattern}:`.padEnd(22)}step median ${tracked.median.toFixed(3)} ms (${percent(((tracked.median - base.median) / base.median) * 100)}), ` +
        `mean ${tracked.mean.toFixed(3)} ms (${percent(((tracked.mean - base.mean) / base.mean) * 100)}); ` +
        `inside tracker calls ${(tracked.inCall * 1000).toFixed(1)} us/step (${((tracked.inCall / base.median) * 100).toFixed(2)}% of a step)`,
    );
  }
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  rmSync(journalDir, { recursive: true, force: true });
  tf.dispose([x, y, w1, w2]);
}
