/**
 * Times training steps on tfjs' wasm backend with and without kdlab's wasm kernels, and where the
 * time goes per kernel. Run from the repository root: `npx tsx bench/wasm-kernels/run.ts`
 * (options: `--steps 8`, `--rounds 3`, `--only mlp,kd,cnn`).
 * Timings alternate between the two setups round by round and keep each setup's best round, so that
 * load from other processes on the machine disturbs the comparison as little as possible.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
// Run from source, like the tests: the package needs no build for the benchmark.
import { registerWasmKernels, unregisterWasmKernels } from '../../packages/wasm-kernels/src/index.js';
import { cnnStep, kdStep, mlpTeacherStep } from './workloads.js';
import type { Workload } from './workloads.js';

/** The two setups compared. */
const SETUPS = ['stock wasm', 'wasm + kdlab'] as const;
type Setup = (typeof SETUPS)[number];

interface Options {
  steps: number;
  rounds: number;
  only: string[];
}

function parseOptions(argv: string[]): Options {
  const value = (flag: string): string | undefined => {
    const index = argv.indexOf(flag);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  return {
    steps: Number(value('--steps') ?? 6),
    rounds: Number(value('--rounds') ?? 3),
    only: (value('--only') ?? 'mlp,kd,cnn').split(','),
  };
}

function useSetup(setup: Setup): void {
  if (setup === 'wasm + kdlab') registerWasmKernels();
  else unregisterWasmKernels();
}

function median(values: number[]): number {
  const sorted = [...values].sort((first, second) => first - second);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Median milliseconds per step over `steps` steps. */
function timeSteps(workload: Workload, steps: number): number {
  const times: number[] = [];
  for (let index = 0; index < steps; index++) {
    const start = performance.now();
    workload.step();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** Milliseconds per kernel name in one step (the best of three profiled steps, per kernel). */
async function kernelTimes(workload: Workload): Promise<Map<string, number>> {
  const best = new Map<string, number>();
  for (let attempt = 0; attempt < 3; attempt++) {
    const profile = await tf.profile(() => workload.step());
    const perKernel = new Map<string, number>();
    for (const kernel of profile.kernels) {
      if (kernel.name.endsWith('__op')) continue;
      perKernel.set(kernel.name, (perKernel.get(kernel.name) ?? 0) + (kernel.kernelTimeMs as number));
    }
    for (const [name, ms] of perKernel) best.set(name, Math.min(best.get(name) ?? Number.POSITIVE_INFINITY, ms));
  }
  return best;
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
      const ms = timeSteps(workload, options.steps);
      const result = results.get(setup)!;
      result.msPerStep = Math.min(result.msPerStep ?? Number.POSITIVE_INFINITY, ms);
    }
  }
  for (const setup of runnable) {
    useSetup(setup);
    results.get(setup)!.kernels = await kernelTimes(workload);
  }
  return results;
}

function printStepTable(rows: Array<{ workload: Workload; results: Map<Setup, SetupResult> }>): void {
  console.log('\n| step | stock wasm: ms/step | samples/s | wasm + kdlab: ms/step | samples/s | speed-up |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const { workload, results } of rows) {
    const cells = SETUPS.map((setup) => {
      const result = results.get(setup)!;
      if (result.msPerStep === undefined) return `fails: ${result.error ?? 'not run'} | -`;
      return `${result.msPerStep.toFixed(1)} | ${((workload.batchSize / result.msPerStep) * 1000).toFixed(0)}`;
    });
    const stock = results.get('stock wasm')!.msPerStep;
    const kdlab = results.get('wasm + kdlab')!.msPerStep;
    const speedUp = stock !== undefined && kdlab !== undefined ? `${(stock / kdlab).toFixed(2)}x` : '-';
    console.log(`| ${workload.name} (${workload.description}) | ${cells.join(' | ')} | ${speedUp} |`);
  }
}

function printKernelTable(workload: Workload, results: Map<Setup, SetupResult>, top = 8): void {
  const stock = results.get('stock wasm')!.kernels ?? new Map<string, number>();
  const kdlab = results.get('wasm + kdlab')!.kernels ?? new Map<string, number>();
  const names = [...new Set([...stock.keys(), ...kdlab.keys()])]
    .sort((first, second) => Math.max(stock.get(second) ?? 0, kdlab.get(second) ?? 0) - Math.max(stock.get(first) ?? 0, kdlab.get(first) ?? 0))
    .slice(0, top);
  console.log(`\n${workload.name}: ms per step by kernel (best of 3 profiled steps)`);
  console.log('| kernel | stock wasm | wasm + kdlab |');
  console.log('|---|---:|---:|');
  const cell = (times: Map<string, number>, name: string): string => (times.size === 0 ? 'fails' : (times.get(name)?.toFixed(1) ?? '-'));
  for (const name of names) console.log(`| ${name} | ${cell(stock, name)} | ${cell(kdlab, name)} |`);
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
    if (factory === undefined) throw new Error(`bench/wasm-kernels: unknown workload '${key}' (known: ${Object.keys(factories).join(', ')})`);
    useSetup('stock wasm');
    const workload = factory();
    const results = await measure(workload, options);
    rows.push({ workload, results });
    printKernelTable(workload, results);
    workload.dispose();
  }
  printStepTable(rows);
}

await main();
