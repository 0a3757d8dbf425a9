/**
 * Where the time of one kdlab training step goes, per tfjs kernel (`tf.profile`). Run from the
 * repository root:
 * `npx tsx --conditions=@kdlab/source bench/steps/profile.ts --workload transformer --backend wasm`
 * (options: `--steps 3` profiled steps, each kernel's best kept; `--top 20` kernels shown;
 * `--threads N` for the node backend; `--tile-gradient` registers @kdlab/wasm-kernels' `Tile`
 * gradient on any backend, as `registerWasmKernels()` does on wasm; `--help` lists them).
 */
import * as tf from '@tensorflow/tfjs-core';
import { parseBackendRequest, selectBackend, type BackendName } from '@kdlab/core';
import { registerTileGradient } from '@kdlab/wasm-kernels';
import { parseFlags, positiveInteger } from '../flags.js';
import { buildKdlabStep, STEP_WORKLOADS, type StepWorkload } from './kdlab-workloads.js';

const SCRIPT = 'bench/steps/profile.ts';

const FLAGS = {
  script: SCRIPT,
  command: `npx tsx --conditions=@kdlab/source ${SCRIPT}`,
  summary: 'Where the time of one kdlab training step goes, per tfjs kernel (tf.profile).',
  options: {
    workload: { type: 'string', default: 'transformer' },
    backend: { type: 'string', default: 'wasm' },
    threads: { type: 'string' },
    'tile-gradient': { type: 'boolean' },
    steps: { type: 'string', default: '3' },
    top: { type: 'string', default: '20' },
  },
  describe: {
    workload: `the workload (${STEP_WORKLOADS.join(', ')})`,
    backend: 'the kdlab backend (wasm, node)',
    threads: "the node backend's intra-op threads (default: kdlab's choice)",
    'tile-gradient': "register @kdlab/wasm-kernels' Tile gradient on any backend, as registerWasmKernels() does on wasm",
    steps: "profiled steps (each kernel's best is kept)",
    top: 'kernels shown',
  },
} as const;

/** One kernel's total over a profiled step. */
interface KernelTotal {
  ms: number;
  calls: number;
  shapes: Set<string>;
}

async function main(): Promise<void> {
  const flags = parseFlags(FLAGS);
  const workload = flags.workload as StepWorkload;
  if (!STEP_WORKLOADS.includes(workload)) throw new Error(`${SCRIPT}: --workload must be one of ${STEP_WORKLOADS.join(', ')}`);
  const threads = flags.threads === undefined ? undefined : positiveInteger(SCRIPT, '--threads', flags.threads);
  const profiledSteps = positiveInteger(SCRIPT, '--steps', flags.steps);
  const top = positiveInteger(SCRIPT, '--top', flags.top);
  const backend = await selectBackend(parseBackendRequest(flags.backend, '--backend') as BackendName, undefined, threads !== undefined ? { threads } : {});
  if (flags['tile-gradient'] === true) registerTileGradient();
  const built = buildKdlabStep(workload);
  built.step();
  built.step();
  const timed = 3;
  const started = performance.now();
  for (let step = 0; step < timed; step++) built.step();
  const msPerStep = (performance.now() - started) / timed;
  console.log(`${built.description}\n${backend.description}: ${msPerStep.toFixed(1)} ms/step, ${((built.batchSize / msPerStep) * 1000).toFixed(0)} samples/s (unprofiled, mean of ${timed})`);
  const best = new Map<string, KernelTotal>();
  for (let round = 0; round < profiledSteps; round++) {
    const profile = await tf.profile(() => built.step());
    const totals = new Map<string, KernelTotal>();
    for (const kernel of profile.kernels) {
      if (kernel.name.endsWith('__op')) continue;
      const total = totals.get(kernel.name) ?? { ms: 0, calls: 0, shapes: new Set<string>() };
      total.ms += kernel.kernelTimeMs as number;
      total.calls += 1;
      if (total.shapes.size < 3) total.shapes.add(kernel.inputShapes.map((shape) => `[${shape?.join(',') ?? ''}]`).join(' '));
      totals.set(kernel.name, total);
    }
    for (const [name, total] of totals) if (total.ms < (best.get(name)?.ms ?? Number.POSITIVE_INFINITY)) best.set(name, total);
  }
  const sorted = [...best].sort((first, second) => second[1].ms - first[1].ms);
  const sum = sorted.reduce((total, [, kernel]) => total + kernel.ms, 0);
  console.log(`\nkernels: ${sum.toFixed(1)} ms per step in all (each kernel's best of the profiled steps)`);
  console.log('| kernel | ms/step | calls | input shapes (first few) |\n|---|---:|---:|---|');
  for (const [name, kernel] of sorted.slice(0, top)) {
    console.log(`| ${name} | ${kernel.ms.toFixed(1)} | ${kernel.calls} | ${[...kernel.shapes].join('; ')} |`);
  }
  built.dispose();
}

await main();
