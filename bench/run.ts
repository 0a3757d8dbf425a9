/**
 * `npm run bench`: kdlab's training steps against the same models and losses in PyTorch, run in
 * alternating rounds in one invocation, then an end-to-end temperature sweep (`kdlab run` against a
 * plain PyTorch loop). See bench/README.md for the options, the method and the figures.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPytorchPeer } from './pytorch-peer.js';
import { fixed, mebibytes } from './report/markdown.js';
import { stepTable } from './report/step-table.js';
import { bestSweeps, sweepTable } from './report/sweep-table.js';
import { targetTable } from './report/targets.js';
import { parseBenchOptions, type BenchOptions } from './run-options.js';
import type { StepWorkload } from './steps/kdlab-workloads.js';
import { participantsFor } from './steps/participants.js';
import { bestCpuMs, bestMs, measureWorkload, samplesPerSecond, type ParticipantResult } from './steps/run-steps.js';
import { sweepContenders } from './sweep/contenders.js';
import { exportMnistSplit } from './sweep/export-split.js';
import { runSweep, type SweepResult } from './sweep/run-sweeps.js';
import { describeLoad, machineState, type MachineState } from './system/machine.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

async function runSteps(options: BenchOptions, python: string | undefined): Promise<Map<StepWorkload, ParticipantResult[]>> {
  const results = new Map<StepWorkload, ParticipantResult[]>();
  const settings = { backends: options.backends, threads: options.threads, python, tsx: import.meta.resolve('tsx') };
  for (const workload of options.only) {
    const measured = await measureWorkload(workload, participantsFor(workload, settings), options, ROOT);
    results.set(workload, measured);
    for (const result of measured) {
      const cpu = bestCpuMs(result);
      const line =
        result.error !== undefined
          ? `not run (${result.error})`
          : `${fixed(bestMs(result), 1)} ms/step, ${fixed(samplesPerSecond(result))} samples/s, peak ${mebibytes(result.peakRssKb)} MiB${cpu === undefined ? '' : `, ${fixed(cpu, 1)} CPU ms/step`}`;
      console.log(`  ${workload.padEnd(11)} ${result.participant.label.padEnd(38)} ${line}`);
    }
    const described = measured.find((result) => result.description !== undefined);
    if (described?.description !== undefined) console.log(`  ${''.padEnd(11)} (${described.description})`);
  }
  return results;
}

async function runSweeps(options: BenchOptions, python: string | undefined): Promise<SweepResult[]> {
  const workDir = mkdtempSync(join(tmpdir(), 'kdlab-bench-'));
  const logDir = resolve(ROOT, dirname(options.json), 'logs');
  mkdirSync(logDir, { recursive: true });
  try {
    const dataDir = join(workDir, 'mnist-10k');
    const trainCount = await exportMnistSplit(dataDir);
    const contenders = sweepContenders(options, workDir, dataDir, python);
    console.log(`  ${trainCount} training digits; teacher ${options.sweepTeacherEpochs} epochs, students ${options.sweepEpochs} epochs; logs in ${logDir}`);
    const results: SweepResult[] = [];
    for (let round = 0; round < options.sweepRounds; round++) {
      for (let turn = 0; turn < contenders.length; turn++) {
        const contender = contenders[(turn + round) % contenders.length]!;
        const slug = contender.label.replace(/[^a-z0-9]+/gi, '-').slice(0, 40);
        const result = await runSweep(contender, ROOT, logDir, `sweep-${slug}-round${round + 1}`);
        results.push(result);
        const line =
          result.error !== undefined
            ? `failed (${result.error})`
            : `${fixed(result.seconds, 1)} s, peak ${mebibytes(result.peakTreeKb)} MiB (all processes), distilled test accuracy ${fixed(result.meanDistilledAccuracy, 3)}`;
        console.log(`  ${contender.label.padEnd(60)} ${line}`);
      }
    }
    return results;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

function printMachine(label: string, state: MachineState): void {
  console.log(`${label}: ${state.cpu}, ${state.memoryGiB} GiB, ${describeLoad(state)}${state.uptime !== undefined ? ` (uptime: ${state.uptime})` : ''}`);
}

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  const started = performance.now();
  const before = machineState();
  console.log(`kdlab bench, ${new Date().toISOString()}`);
  printMachine('machine at start', before);
  // read by bench/pytorch/runtime.py in every PyTorch process (they inherit this environment)
  process.env['KDLAB_BENCH_OPENBLAS_ENV'] = options.openblasEnv;
  const peer = checkPytorchPeer(options.python, ROOT);
  const python = peer.error === undefined ? options.python : undefined;
  if (python === undefined) console.log(`PyTorch: not available (${peer.error}); kdlab runs alone and no ratios are computed`);
  else {
    const settings = Object.entries(peer.machineOpenblasSettings ?? {}).map(([name, setting]) => `${name}=${setting}`).join(' ');
    const env = settings === '' ? '' : peer.openblasEnv === 'keep' ? ` (the machine's ${settings} kept: --openblas-env keep)` : ` (the machine's ${settings} dropped in PyTorch's processes: OpenBLAS's own choice)`;
    console.log(`PyTorch ${peer.torch}, BLAS ${peer.blas ?? 'none found'}${peer.blasCore ? `, OpenBLAS kernels ${peer.blasCore}${env}` : ''}`);
    if (peer.optimizedBlas !== true) {
      console.log('WARNING: PyTorch is using the reference BLAS, about 10x slower than OpenBLAS: install it (apt-get install libopenblas0-pthread) for a fair peer.');
    }
  }
  console.log(
    `threads: kdlab wasm 1 (single-threaded by design); tfjs-node and PyTorch ${options.threads.join(' and ')} ` +
      '(torch.set_num_threads, OMP/OPENBLAS/MKL_NUM_THREADS; TensorFlow intra-op = inter-op)',
  );
  console.log(
    `\nsteps: batch 128, Adam 1e-3; ${options.rounds} alternating rounds of >= ${options.roundMs} ms and >= ${options.minSteps} steps per runner; ` +
      "each runner in its own process; best round's median step",
  );
  const steps = await runSteps(options, python);
  const afterSteps = machineState();
  let sweeps: SweepResult[] = [];
  if (options.sweep) {
    console.log('\nend-to-end sweep: 1 teacher (MLP 1200-1200) + per seed a baseline and 4 distilled students (MLP 800-800, T = 1, 2, 4, 8), 2 seeds, mnist-10k');
    sweeps = await runSweeps(options, python);
  }
  const after = machineState();
  console.log(`\n## Steps\n\n${stepTable(steps)}`);
  if (options.sweep) console.log(`\n## End-to-end sweep (best of rounds)\n\n${sweepTable(bestSweeps(sweeps))}`);
  console.log(`\n## Targets\n\n${targetTable(steps, bestSweeps(sweeps))}\n`);
  printMachine('machine after the steps', afterSteps);
  printMachine('machine at the end', after);
  console.log(`bench took ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const jsonPath = resolve(ROOT, options.json);
  mkdirSync(dirname(jsonPath), { recursive: true });
  writeFileSync(jsonPath, `${JSON.stringify({ options, machine: { before, afterSteps, after }, pytorch: peer, steps: Object.fromEntries(steps), sweeps }, null, 2)}\n`);
  console.log(`results: ${jsonPath}`);
}

await main();
