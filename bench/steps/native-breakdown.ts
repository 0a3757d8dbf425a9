/**
 * Where a kdlab training step's time goes on tfjs-node: inside TensorFlow (the binding's `executeOp`,
 * per TensorFlow op), in the binding's other calls (tensors created, deleted, read), and in
 * JavaScript (tfjs' engine and kernels, the rest of the step). Run from the repository root:
 * `npx tsx --conditions=@kdlab/source bench/steps/native-breakdown.ts --workload transformer`
 * (options: `--steps 10` timed steps, `--threads 1`, `--top 25` ops shown, `--detail` one row per
 * issuing tfjs kernel, TensorFlow op and output shape). The binding's calls are timed around the
 * native call (TensorFlow's own work and the binding's conversions); JavaScript is the rest of the
 * step. Times are wall times of one process: on a loaded machine compare runs made close together.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@kdlab/core';
import { parseFlags, positiveInteger } from '../flags.js';
import { buildKdlabStep, STEP_WORKLOADS, type StepWorkload } from './kdlab-workloads.js';

const SCRIPT = 'bench/steps/native-breakdown.ts';

const FLAGS = {
  script: SCRIPT,
  command: `npx tsx --conditions=@kdlab/source ${SCRIPT}`,
  summary: "Where a kdlab step's time goes on tfjs-node: TensorFlow ops, the binding's other calls, JavaScript.",
  options: {
    workload: { type: 'string', default: 'transformer' },
    threads: { type: 'string', default: '1' },
    steps: { type: 'string', default: '10' },
    top: { type: 'string', default: '25' },
    detail: { type: 'boolean' },
  },
  describe: {
    workload: `the workload (${STEP_WORKLOADS.join(', ')})`,
    threads: "the node backend's intra-op threads",
    steps: 'timed steps',
    top: 'TensorFlow ops shown',
    detail: 'one row per tfjs kernel, TensorFlow op and output shape',
  },
} as const;

/** One binding call's total. */
interface CallTotal {
  ms: number;
  calls: number;
}

type BindingFunction = (...args: unknown[]) => unknown;

async function main(): Promise<void> {
  const flags = parseFlags(FLAGS);
  const workload = flags.workload as StepWorkload;
  if (!STEP_WORKLOADS.includes(workload)) throw new Error(`${SCRIPT}: --workload must be one of ${STEP_WORKLOADS.join(', ')}`);
  const threads = positiveInteger(SCRIPT, '--threads', flags.threads);
  const steps = positiveInteger(SCRIPT, '--steps', flags.steps);
  const top = positiveInteger(SCRIPT, '--top', flags.top);
  const info = await selectBackend('node', undefined, { threads });
  const backend = tf.backend() as unknown as { binding: Record<string, unknown> };
  const binding = backend.binding;
  const ops = new Map<string, CallTotal>();
  const calls = new Map<string, CallTotal>();
  let recording = false;
  const detail = flags.detail === true;
  // the tfjs kernels running (outermost first), to name the one that issued each TensorFlow op
  const kernels: string[] = [];
  const overrides: Record<string, unknown> = {};
  for (const key of Object.getOwnPropertyNames(binding)) overrides[key] = binding[key];
  for (const name of ['executeOp', 'createTensor', 'deleteTensor', 'tensorDataSync']) {
    const original = binding[name] as BindingFunction;
    overrides[name] = (...args: unknown[]): unknown => {
      if (!recording) return original.apply(binding, args);
      const started = performance.now();
      const result = original.apply(binding, args);
      const ms = performance.now() - started;
      const outputs = result as { shape: number[] }[];
      const key = name === 'executeOp' ? (detail ? `${kernels.join('>')} ${args[0] as string} [${outputs[0]?.shape.join(',')}]` : (args[0] as string)) : name;
      const table = name === 'executeOp' ? ops : calls;
      const total = table.get(key) ?? { ms: 0, calls: 0 };
      total.ms += ms;
      total.calls += 1;
      table.set(key, total);
      return result;
    };
  }
  backend.binding = overrides;
  for (const config of tf.getKernelsForBackend('tensorflow')) {
    const original = config.kernelFunc;
    (config as { kernelFunc: tf.KernelFunc }).kernelFunc = (kernelArgs) => {
      kernels.push(config.kernelName);
      try {
        return original(kernelArgs);
      } finally {
        kernels.pop();
      }
    };
  }
  const built = buildKdlabStep(workload);
  for (let step = 0; step < 3; step++) built.step();
  const plainStarted = performance.now();
  const plainCpu = process.cpuUsage();
  const faultsBefore = process.resourceUsage().minorPageFault;
  for (let step = 0; step < steps; step++) built.step();
  const cpu = process.cpuUsage(plainCpu);
  const plainCpuMs = (cpu.user + cpu.system) / 1000 / steps;
  const faults = (process.resourceUsage().minorPageFault - faultsBefore) / steps;
  const plainMs = (performance.now() - plainStarted) / steps;
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  observer.observe({ entryTypes: ['gc'] });
  recording = true;
  const started = performance.now();
  for (let step = 0; step < steps; step++) built.step();
  const recordedMs = (performance.now() - started) / steps;
  recording = false;
  await new Promise((resolve) => setTimeout(resolve, 10));
  observer.disconnect();
  const per = (ms: number): number => ms / steps;
  const opMs = per([...ops.values()].reduce((sum, op) => sum + op.ms, 0));
  const opCalls = [...ops.values()].reduce((sum, op) => sum + op.calls, 0) / steps;
  const otherMs = per([...calls.values()].reduce((sum, call) => sum + call.ms, 0));
  console.log(`${built.description}\n${info.description}`);
  console.log(`step: ${plainMs.toFixed(1)} ms wall, ${plainCpuMs.toFixed(1)} ms CPU, of which ${(cpu.system / 1000 / steps).toFixed(1)} ms system, ${faults.toFixed(0)} page faults (unrecorded, mean of ${steps}); recorded ${recordedMs.toFixed(1)} ms`);
  console.log(`executeOp: ${opMs.toFixed(1)} ms in ${opCalls.toFixed(0)} ops; other binding calls ${otherMs.toFixed(1)} ms; JavaScript (rest) ${(recordedMs - opMs - otherMs).toFixed(1)} ms, of which garbage collection ${per(gcMs).toFixed(1)} ms`);
  for (const [name, call] of calls) console.log(`  ${name}: ${per(call.ms).toFixed(2)} ms, ${(call.calls / steps).toFixed(0)} calls`);
  console.log('| TensorFlow op | ms/step | calls/step | µs/call |\n|---|---:|---:|---:|');
  const sorted = [...ops].sort((first, second) => second[1].ms - first[1].ms);
  for (const [name, op] of sorted.slice(0, top)) {
    console.log(`| ${name} | ${per(op.ms).toFixed(2)} | ${(op.calls / steps).toFixed(0)} | ${((op.ms / op.calls) * 1000).toFixed(0)} |`);
  }
  built.dispose();
}

await main();
