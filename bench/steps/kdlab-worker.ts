/**
 * One kdlab training-step workload of `npm run bench`, served over stdin/stdout (see
 * `bench/steps/protocol.ts`). Run from the repository root:
 * `node --conditions=@kdlab/source --import tsx bench/steps/kdlab-worker.ts --workload kd --backend wasm [--threads 1]`.
 * The backend is chosen by kdlab's own `selectBackend` (wasm with kdlab's kernels; node = tfjs-node,
 * from `.kdlab/native` when `kdlab native build` made it there).
 */
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { parseBackendRequest, selectBackend, type BackendName } from '@kdlab/core';
import { parseFlags, positiveInteger } from '../flags.js';
import { buildKdlabStep, STEP_WORKLOADS, type StepWorkload } from './kdlab-workloads.js';
import { sendAnswer } from './protocol.js';

const SCRIPT = 'bench/steps/kdlab-worker.ts';

const FLAGS = {
  script: SCRIPT,
  command: `node --conditions=@kdlab/source --import tsx ${SCRIPT}`,
  summary: 'One kdlab training-step workload of `npm run bench`, served over stdin/stdout (bench/steps/protocol.ts).',
  options: {
    workload: { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
    threads: { type: 'string' },
    warmup: { type: 'string', default: '3' },
  },
  describe: {
    workload: `the workload (${STEP_WORKLOADS.join(', ')}); required`,
    backend: 'the kdlab backend (wasm, node)',
    threads: "the node backend's intra-op threads (default: kdlab's choice)",
    warmup: 'untimed steps before answering ready',
  },
} as const;

/** `VmHWM` and `VmRSS` of this process, in KiB. */
function memoryKb(): { peakRssKb: number; rssKb: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { peakRssKb: field('VmHWM'), rssKb: field('VmRSS') };
}

async function main(): Promise<void> {
  const flags = parseFlags(FLAGS);
  const workload = flags.workload as StepWorkload | undefined;
  if (workload === undefined || !STEP_WORKLOADS.includes(workload)) {
    throw new Error(`${SCRIPT}: --workload must be one of ${STEP_WORKLOADS.join(', ')}, got ${String(workload)}`);
  }
  const backendName = parseBackendRequest(flags.backend, '--backend') as BackendName;
  const threads = flags.threads === undefined ? undefined : positiveInteger(SCRIPT, '--threads', flags.threads);
  const backend = await selectBackend(backendName, undefined, threads !== undefined ? { threads } : {});
  const built = buildKdlabStep(workload);
  const warmUp = Number(flags.warmup);
  if (!Number.isInteger(warmUp) || warmUp < 0) throw new Error(`${SCRIPT}: --warmup must be a whole number, got "${flags.warmup}"`);
  for (let step = 0; step < warmUp; step++) built.step();
  sendAnswer({ ready: true, description: built.description, batchSize: built.batchSize, runtime: `kdlab on tfjs ${tf.version_core}, ${backend.description}` });
  for await (const line of createInterface({ input: process.stdin })) {
    const [command, ...args] = line.trim().split(/\s+/);
    if (command === 'run') {
      const budgetMs = Number(args[0]);
      const minSteps = Number(args[1]);
      const times: number[] = [];
      const cpuTimes: number[] = [];
      const started = performance.now();
      while (times.length < minSteps || performance.now() - started < budgetMs) {
        const begin = performance.now();
        const cpu = process.cpuUsage();
        built.step();
        const spent = process.cpuUsage(cpu);
        times.push(performance.now() - begin);
        cpuTimes.push((spent.user + spent.system) / 1000);
      }
      sendAnswer({ times, cpuTimes });
    } else if (command === 'quit') {
      built.dispose();
      sendAnswer(memoryKb());
      break;
    }
  }
}

await main();
