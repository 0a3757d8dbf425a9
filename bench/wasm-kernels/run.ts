/**
 * Times training steps on tfjs' wasm backend with and without kdlab's wasm kernels, and where the
 * time goes per kernel. Run from the repository root: `npx tsx bench/wasm-kernels/run.ts`
 * (options: `--steps 6`, `--rounds 3`, `--only mlp,kd,cnn`; `--help` lists them).
 * Timings alternate between the two setups round by round and keep each setup's best round, so that
 * load from other processes on the machine disturbs the comparison as little as possible.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
// Run from source, like the tests: the package needs no build for the benchmark.
import { registerWasmKernels, unregisterWasmKernels } from '../../packages/wasm-kernels/src/index.js';
import { parseFlags } from '../flags.js';
import { medianStepMs, parseRounds, roundFlags } from '../step-rounds.js';
import { cnnStep, kdStep, mlpTeacherStep } from './workloads.js';
import type { Workload } from './workloads.js';

/**
 * The setups compared: tfjs' wasm kernels alone; plus only the kernels kdlab adds where wasm has
 * none (so that steps needing them run at all); plus all of kdlab's kernels.
 */
const SETUPS = ['stock wasm', 'stock + missing kernels', 'wasm + kdlab'] as const;
type Setup = (typeof SETUPS)[number];

interface Options {
  steps: number;
  rounds: number;
  only: string[];
}

const SCRIPT = 'bench/wasm-kernels/run.ts';
const ROUNDS = roundFlags('6', 'setup');

const FLAGS = {
  script: SCRIPT,
  command: `npx tsx ${SCRIPT}`,
  summary: "Training steps on tfjs' wasm backend with and without kdlab's wasm kernels, and where the time goes per kernel.",
  options: {
    ...ROUNDS.options,
    only: { type: 'string', default: 'mlp,kd,cnn' },
  },
  describe: {
    ...ROUNDS.describe,
    only: 'workloads to time, comma-separated (mlp, kd, cnn)',
  },
} as const;

function parseOptions(argv: string[]): Options {
  const flags = parseFlags(FLAGS, argv);
  return {
    ...parseRounds(SCRIPT, flags),
    only: flags.only.split(','),
  };
}

function useSetup(setup: Setup): void {
  unregisterWasmKernels();
  if (setup === 'stock + missing kernels') registerWasmKernels({ replaceStockKernels: false });
  if (setup === 'wasm + kdlab') registerWasmKernels();
}

/** Milliseconds per kernel name in one profiled step. */
async function kernelTimes(workload: Workload): Promise<Map<string, number>> {
  const profile = await tf.profile(() => workload.step());
  const perKernel = new Map<string, number>();
  for (const kernel of profile.kernels) {
    if (kernel.name.endsWith('__op')) continue;
    perKernel.set(kernel.name, (perKernel.get(kernel.name) ?? 0) + (kernel.kernelTimeMs as number));
  }
  return perKernel;
}

interface SetupResult {
  msPerStep?: number;
  kernels?: Map<string, number>;
  error?: string;
}

async function measure(workload: Workload, options: Options): Promise<Map<Setup, SetupResult>> {
  const results = new Map<Setup, SetupResult>(SETUPS.map((setup) => [setup, {}]));
  for (const setup of SETUPS) {
    useSetup(setup);
    try {
      workload.step();
      workload.step();
    } catch (error) {
      results.get(setup)!.error = (error as Error).message.split('\n')[0]!;
    }
  }
  const runnable = SETUPS.filter((setup) => results.get(setup)!.error === undefined);
  for (let round = 0; round < options.rounds; round++) {
    for (const setup of runnable) {
      useSetup(setup);
      const ms = medianStepMs(workload.step, options.steps);
      const result = results.get(setup)!;
      result.msPerStep = Math.min(result.msPerStep ?? Number.POSITIVE_INFINITY, ms);
    }
  }
  for (let round = 0; round < options.rounds; round++) {
    for (const setup of runnable) {
      useSetup(setup);
      const result = results.get(setup)!;
      const best = result.kernels ?? new Map<string, number>();
      for (const [name, ms] of await kernelTimes(workload)) best.set(name, Math.min(best.get(name) ?? Number.POSITIVE_INFINITY, ms));
      result.kernels = best;
    }
  }
  return results;
}

function printStepTable(rows: Array<{ workload: Workload; results: Map<Setup, SetupResult> }>): void {
  console.log(`\n| step | ${SETUPS.map((setup) => `${setup}: ms/step (samples/s)`).join(' | ')} | speed-up |`);
  console.log(`|---|${SETUPS.map(() => '---:').join('|')}|---:|`);
  for (const { workload, results } of rows) {
    const cells = SETUPS.map((setup) => {
      const result = results.get(setup)!;
      if (result.msPerStep === undefined) return `fails (${result.error ?? 'not run'})`;
      return `${result.msPerStep.toFixed(1)} (${((workload.batchSize / result.msPerStep) * 1000).toFixed(0)})`;
    });
    const baseline = results.get('stock wasm')!.msPerStep ?? results.get('stock + missing kernels')!.msPerStep;
    const kdlab = results.get('wasm + kdlab')!.msPerStep;
    const speedUp = baseline !== undefined && kdlab !== undefined ? `${(baseline / kdlab).toFixed(2)}x` : '-';
    console.log(`| ${workload.name} (${workload.description}) | ${cells.join(' | ')} | ${speedUp} |`);
  }
  console.log('\nspeed-up: wasm + kdlab against stock wasm, or against stock + missing kernels where stock wasm fails');
}

function printKernelTable(workload: Workload, results: Map<Setup, SetupResult>, options: Options, top = 8): void {
  const times = SETUPS.map((setup) => results.get(setup)!.kernels);
  const largest = (name: string): number => Math.max(...times.map((perKernel) => perKernel?.get(name) ?? 0));
  const names = [...new Set(times.flatMap((perKernel) => [...(perKernel?.keys() ?? [])]))].sort((first, second) => largest(second) - largest(first)).slice(0, top);
  console.log(`\n${workload.name}: ms per step by kernel (each kernel's best of ${options.rounds} profiled steps)`);
  console.log(`| kernel | ${SETUPS.join(' | ')} |`);
  console.log(`|---|${SETUPS.map(() => '---:').join('|')}|`);
  for (const name of names) {
    const cells = times.map((perKernel) => (perKernel === undefined ? 'fails' : (perKernel.get(name)?.toFixed(1) ?? '-')));
    console.log(`| ${name} | ${cells.join(' | ')} |`);
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  await tf.setBackend('wasm');
  await tf.ready();
  console.log(`tfjs ${tf.version_core}, wasm backend, SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT')}, threads ${tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')}`);
  console.log(`${options.steps} steps x ${options.rounds} alternating rounds per setup, median step of the best round`);
  const factories: Record<string, () => Workload> = { mlp: mlpTeacherStep, kd: kdStep, cnn: cnnStep };
  const rows: Array<{ workload: Workload; results: Map<Setup, SetupResult> }> = [];
  for (const key of options.only) {
    const factory = factories[key];
    if (factory === undefined) throw new Error(`${SCRIPT}: --only: unknown workload '${key}' (known: ${Object.keys(factories).join(', ')})`);
    useSetup('stock wasm');
    const workload = factory();
    const results = await measure(workload, options);
    rows.push({ workload, results });
    printKernelTable(workload, results, options);
    workload.dispose();
  }
  printStepTable(rows);
}

await main();
