/**
 * Where the native backend's memory goes in one KD step process (the `kd` workload of `npm run bench`,
 * as bench/steps/kdlab-worker.ts runs it): RSS and its parts at each stage. Run from the repository root:
 * `node --conditions=@kdlab/source --import tsx bench/native/memory-probe.ts [--backend node] [--threads N] [--steps 50]` (under tsx),
 * or bundled as the bench now runs its worker (plain node, no tsx):
 * `npx esbuild bench/native/memory-probe.ts --bundle --platform=node --format=esm --conditions=@kdlab/source --external:@tensorflow/* --outfile=.kdlab/probe/memory-probe.mjs && node .kdlab/probe/memory-probe.mjs`.
 * Findings: bench/native/MEMORY.md.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { parseBackendRequest, selectBackend, type BackendName } from '@kdlab/core';
import { parseFlags, positiveInteger } from '../flags.js';
import { buildKdlabStep } from '../steps/kdlab-workloads.js';

const SCRIPT = 'bench/native/memory-probe.ts';
const FLAGS = {
  script: SCRIPT,
  command: `node --conditions=@kdlab/source --import tsx ${SCRIPT}`,
  summary: "Resident memory of one KD step process, stage by stage (bench/native/MEMORY.md).",
  options: { backend: { type: 'string', default: 'node' }, threads: { type: 'string' }, steps: { type: 'string', default: '50' } },
  describe: { backend: 'the kdlab backend (node, wasm)', threads: 'intra-op threads of the native backend', steps: 'steps after the first' },
} as const;

const MiB = (kb: number): string => (kb / 1024).toFixed(0);

function kbFields(file: string, names: string[]): Record<string, number> {
  const text = readFileSync(file, 'utf8');
  return Object.fromEntries(names.map((name) => [name, Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? Number.NaN)]));
}

function stage(name: string): void {
  const status = kbFields('/proc/self/status', ['VmRSS', 'VmHWM', 'RssAnon', 'RssFile', 'Threads']);
  const usage = process.memoryUsage();
  const tfMemory = tf.engine().backendName === undefined ? undefined : tf.memory();
  console.log(
    [
      `| ${name}`,
      MiB(status.VmRSS!),
      MiB(status.VmHWM!),
      MiB(status.RssAnon!),
      MiB(status.RssFile!),
      (usage.heapUsed / 2 ** 20).toFixed(0),
      (usage.external / 2 ** 20).toFixed(1),
      (usage.arrayBuffers / 2 ** 20).toFixed(1),
      tfMemory === undefined ? '' : `${tfMemory.numTensors} / ${(tfMemory.numBytes / 2 ** 20).toFixed(1)}`,
      `${status.Threads} |`,
    ].join(' | '),
  );
}

const flags = parseFlags(FLAGS);
console.log('| stage | VmRSS MiB | VmHWM MiB | RssAnon | RssFile | JS heap used | external | arrayBuffers | tensors / MiB | threads |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
stage(process.execArgv.some((arg) => arg.includes('tsx')) ? 'node + tsx + kdlab modules' : 'node + kdlab modules (bundled, no tsx)');
const threads = flags.threads === undefined ? undefined : positiveInteger(SCRIPT, '--threads', flags.threads);
const backend = await selectBackend(parseBackendRequest(flags.backend, '--backend') as BackendName, undefined, threads !== undefined ? { threads } : {});
stage(`backend loaded (${backend.name})`);
const built = buildKdlabStep('kd');
stage('kd workload built (models, batch, cached logits)');
built.step();
stage('after step 1');
built.step();
built.step();
stage('after step 3 (bench warm-up)');
const steps = Number(flags.steps);
for (let step = 0; step < steps; step++) built.step();
stage(`after ${steps + 3} steps`);
built.dispose();
stage('disposed');
const rollup = readFileSync('/proc/self/smaps_rollup', 'utf8').split('\n').filter((line) => /^(Rss|Pss|Anonymous|Private_Dirty|Shared_Clean|Private_Clean):/.test(line));
console.log(`\nsmaps_rollup: ${rollup.map((line) => line.replace(/\s+/g, ' ')).join('; ')}`);
