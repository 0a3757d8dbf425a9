/**
 * `npm run bench`: kdlab's training steps against the same models and losses in PyTorch, run in
 * alternating rounds in one invocation, then an end-to-end temperature sweep (`kdlab run` against a
 * plain PyTorch loop). See bench/README.md for the options, the method and the figures.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixed, markdownTable, mebibytes, ratio } from './report/markdown.js';
import { parseBenchOptions, type BenchOptions } from './run-options.js';
import { ANSWER_PREFIX } from './steps/protocol.js';
import { bestMs, measureWorkload, samplesPerSecond, type Participant, type ParticipantResult } from './steps/run-steps.js';
import type { StepWorkload } from './steps/kdlab-workloads.js';
import { exportMnistSplit } from './sweep/export-split.js';
import { runSweep, type SweepContender, type SweepResult } from './sweep/run-sweeps.js';
import { describeLoad, machineState, type MachineState } from './system/machine.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TSX = import.meta.resolve('tsx');

/** What the PyTorch peer is, or why it cannot run. */
interface PytorchCheck {
  torch?: string;
  blas?: string | null;
  optimizedBlas?: boolean;
  error?: string;
}

function checkPytorch(python: string): PytorchCheck {
  try {
    const output = execFileSync(python, ['bench/pytorch/check.py'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const line = output.split('\n').find((text) => text.startsWith(ANSWER_PREFIX));
    return line === undefined ? { error: 'bench/pytorch/check.py printed no answer' } : (JSON.parse(line.slice(ANSWER_PREFIX.length)) as PytorchCheck);
  } catch (error) {
    return { error: ((error as { stderr?: string }).stderr ?? (error as Error).message).trim().split('\n').at(-1) ?? 'failed' };
  }
}

function threadEnv(threads: number): Record<string, string> {
  return { OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
}

function kdlabParticipant(workload: StepWorkload, backend: 'wasm' | 'node', threads: number): Participant {
  const args = ['--conditions=@kdlab/source', '--import', TSX, 'bench/steps/kdlab-worker.ts', '--workload', workload, '--backend', backend];
  if (backend === 'node') args.push('--threads', String(threads));
  return {
    label: backend === 'wasm' ? 'kdlab wasm (1 thread)' : `kdlab node (${threads} thread${threads > 1 ? 's' : ''})`,
    framework: 'kdlab',
    threads: backend === 'wasm' ? 1 : threads,
    command: { command: process.execPath, args },
  };
}

function pytorchParticipant(workload: StepWorkload, threads: number, python: string, teacherForward = false): Participant {
  const variant = workload === 'kd' ? (teacherForward ? ', teacher forward' : ', cached logits') : '';
  return {
    label: `PyTorch (${threads} thread${threads > 1 ? 's' : ''}${variant})`,
    framework: 'pytorch',
    threads,
    ...(workload === 'kd' ? { teacherForward } : {}),
    command: {
      command: python,
      args: ['bench/pytorch/step_worker.py', '--workload', workload, '--threads', String(threads), ...(teacherForward ? ['--teacher-forward'] : [])],
      env: threadEnv(threads),
    },
  };
}

function participantsFor(workload: StepWorkload, options: BenchOptions, pytorch: boolean): Participant[] {
  const list: Participant[] = [];
  if (options.backends.includes('wasm')) list.push(kdlabParticipant(workload, 'wasm', 1));
  for (const threads of options.threads) {
    if (options.backends.includes('node')) list.push(kdlabParticipant(workload, 'node', threads));
    if (!pytorch) continue;
    list.push(pytorchParticipant(workload, threads, options.python));
    if (workload === 'kd') list.push(pytorchParticipant(workload, threads, options.python, true));
  }
  return list;
}

/** The PyTorch results a kdlab result is compared with: same thread count (wasm: the fewest threads). */
function references(result: ParticipantResult, all: ParticipantResult[], threads: number[]): ParticipantResult[] {
  const target = result.participant.label.startsWith('kdlab wasm') ? Math.min(...threads) : result.participant.threads;
  return all.filter((other) => other.participant.framework === 'pytorch' && other.participant.threads === target && other.error === undefined);
}

function stepTable(results: Map<StepWorkload, ParticipantResult[]>, options: BenchOptions): string {
  const rows: string[][] = [];
  for (const [workload, list] of results) {
    for (const result of list) {
      const refs = result.participant.framework === 'kdlab' ? references(result, list, options.threads) : [];
      const speed = refs.map((ref) => `${ratio(samplesPerSecond(result), samplesPerSecond(ref))}${refs.length > 1 ? ` (${ref.participant.teacherForward ? 'vs teacher forward' : 'vs cached'})` : ''}`).join(', ');
      const memory = refs.map((ref) => ratio(result.peakRssKb, ref.peakRssKb)).join(', ');
      rows.push([
        workload,
        result.participant.label,
        result.error !== undefined ? `not run: ${result.error}` : fixed(bestMs(result), 1),
        fixed(samplesPerSecond(result)),
        mebibytes(result.peakRssKb),
        speed || '',
        memory || '',
      ]);
    }
  }
  return markdownTable(['workload', 'runner', 'ms/step', 'samples/s', 'peak RSS MiB', 'kdlab / PyTorch speed', 'kdlab / PyTorch memory'], rows, [2, 3, 4]);
}

async function runSteps(options: BenchOptions, pytorch: boolean): Promise<Map<StepWorkload, ParticipantResult[]>> {
  const results = new Map<StepWorkload, ParticipantResult[]>();
  for (const workload of options.only) {
    const participants = participantsFor(workload, options, pytorch);
    const measured = await measureWorkload(workload, participants, options, ROOT);
    results.set(workload, measured);
    for (const result of measured) {
      const line = result.error !== undefined ? `not run (${result.error})` : `${fixed(bestMs(result), 1)} ms/step, ${fixed(samplesPerSecond(result))} samples/s, peak ${mebibytes(result.peakRssKb)} MiB`;
      console.log(`  ${workload.padEnd(11)} ${result.participant.label.padEnd(38)} ${line}`);
    }
    const described = measured.find((result) => result.description !== undefined);
    if (described?.description !== undefined) console.log(`  ${''.padEnd(11)} (${described.description})`);
  }
  return results;
}

function sweepContenders(options: BenchOptions, workDir: string, dataDir: string, pytorch: boolean): SweepContender[] {
  const kdlab = (backend: 'wasm' | 'node'): SweepContender => ({
    label: `kdlab run --backend ${backend} --jobs ${options.sweepJobs}`,
    framework: 'kdlab',
    command: process.execPath,
    args: [
      'packages/core/bin/kdlab.mjs', 'run', 'bench/sweep/experiment.ts', '--backend', backend, '--jobs', String(options.sweepJobs),
      '--tracking-uri', join(workDir, `mlruns-${backend}`), '--cache-dir', join(workDir, `cache-${backend}`), '--no-resume',
      '--set', `teacher.train.epochs=${options.sweepTeacherEpochs}`, '--set', `train.epochs=${options.sweepEpochs}`,
    ],
  });
  const list: SweepContender[] = options.backends.map(kdlab);
  if (pytorch) {
    list.splice(1, 0, {
      label: `PyTorch loop (${options.sweepTorchThreads} thread${options.sweepTorchThreads > 1 ? 's' : ''}, teacher forward every step)`,
      framework: 'pytorch',
      command: options.python,
      args: ['bench/pytorch/sweep.py', '--data', dataDir, '--teacher-epochs', String(options.sweepTeacherEpochs), '--epochs', String(options.sweepEpochs), '--threads', String(options.sweepTorchThreads)],
      env: threadEnv(options.sweepTorchThreads),
    });
  }
  return list;
}

async function runSweeps(options: BenchOptions, pytorch: boolean): Promise<SweepResult[]> {
  const workDir = mkdtempSync(join(tmpdir(), 'kdlab-bench-'));
  const logDir = resolve(ROOT, dirname(options.json), 'logs');
  mkdirSync(logDir, { recursive: true });
  try {
    const dataDir = join(workDir, 'mnist-10k');
    const trainCount = await exportMnistSplit(dataDir);
    const contenders = sweepContenders(options, workDir, dataDir, pytorch);
    console.log(`  ${trainCount} training digits; teacher ${options.sweepTeacherEpochs} epochs, students ${options.sweepEpochs} epochs; logs in ${logDir}`);
    const results: SweepResult[] = [];
    for (let round = 0; round < options.sweepRounds; round++) {
      for (let turn = 0; turn < contenders.length; turn++) {
        const contender = contenders[(turn + round) % contenders.length]!;
        const slug = contender.label.split(' ').slice(0, contender.framework === 'kdlab' ? 4 : 1).join('-').replace(/[^a-z0-9-]/gi, '');
        rmSync(join(workDir, 'mlruns-wasm'), { recursive: true, force: true });
        rmSync(join(workDir, 'mlruns-node'), { recursive: true, force: true });
        rmSync(join(workDir, 'cache-wasm'), { recursive: true, force: true });
        rmSync(join(workDir, 'cache-node'), { recursive: true, force: true });
        const result = await runSweep(contender, ROOT, logDir, `sweep-${slug}-round${round + 1}`);
        results.push(result);
        const line = result.error !== undefined ? `failed (${result.error})` : `${fixed(result.seconds, 1)} s, peak ${mebibytes(result.peakTreeKb)} MiB (all processes), distilled test accuracy ${fixed(result.meanDistilledAccuracy, 3)}`;
        console.log(`  ${contender.label.padEnd(60)} ${line}`);
      }
    }
    return results;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

function bestSweeps(results: SweepResult[]): SweepResult[] {
  const best = new Map<string, SweepResult>();
  for (const result of results) {
    const current = best.get(result.contender.label);
    if (current === undefined || (result.seconds ?? Infinity) < (current.seconds ?? Infinity)) best.set(result.contender.label, result);
  }
  return [...best.values()];
}

function sweepTable(results: SweepResult[]): string {
  const reference = results.find((result) => result.contender.framework === 'pytorch' && result.seconds !== undefined);
  const rows = results.map((result) => [
    result.contender.label,
    result.error !== undefined ? `failed: ${result.error}` : fixed(result.seconds, 1),
    mebibytes(result.peakTreeKb),
    mebibytes(result.peakProcessKb),
    fixed(result.teacherAccuracy, 3),
    fixed(result.meanDistilledAccuracy, 3),
    result.contender.framework === 'kdlab' ? ratio(result.seconds, reference?.seconds) : '',
    result.contender.framework === 'kdlab' ? ratio(result.peakTreeKb, reference?.peakTreeKb) : '',
  ]);
  return markdownTable(
    ['sweep', 'wall s', 'peak RSS MiB (all processes)', 'peak RSS MiB (largest process)', 'teacher test acc', 'mean distilled test acc', 'time / PyTorch', 'memory / PyTorch'],
    rows,
    [1, 2, 3, 4, 5],
  );
}

/** One target of the brief, checked against the measured figures. */
interface Target {
  what: string;
  goal: string;
  measured: number | undefined;
  met: (value: number) => boolean;
}

function speedRatio(steps: Map<StepWorkload, ParticipantResult[]>, workload: StepWorkload, kdlabLabel: string, pytorchLabel: string): number | undefined {
  const list = steps.get(workload) ?? [];
  const kdlab = list.find((result) => result.participant.label.startsWith(kdlabLabel));
  const torch = list.find((result) => result.participant.label.startsWith(pytorchLabel));
  const a = kdlab === undefined ? undefined : samplesPerSecond(kdlab);
  const b = torch === undefined ? undefined : samplesPerSecond(torch);
  return a === undefined || b === undefined ? undefined : a / b;
}

function targetTable(steps: Map<StepWorkload, ParticipantResult[]>, sweeps: SweepResult[]): string {
  const kd = steps.get('kd') ?? [];
  const peak = (prefix: string): number | undefined => kd.find((result) => result.participant.label.startsWith(prefix))?.peakRssKb;
  const sweep = (prefix: string): SweepResult | undefined => sweeps.find((result) => result.contender.label.startsWith(prefix) && result.seconds !== undefined);
  const torchSweep = sweep('PyTorch');
  const sweepRatio = (prefix: string): number | undefined => {
    const seconds = sweep(prefix)?.seconds;
    return seconds === undefined || torchSweep?.seconds === undefined ? undefined : seconds / torchSweep.seconds;
  };
  const kdPeakRatio = (): number | undefined => {
    const kdlab = peak('kdlab wasm');
    const torch = peak('PyTorch (1 thread, teacher forward)') ?? peak('PyTorch (1 thread, cached');
    return kdlab === undefined || torch === undefined ? undefined : kdlab / torch;
  };
  const targets: Target[] = [
    { what: 'wasm KD step vs PyTorch, 1 thread (cached logits both)', goal: '>= 0.40x', measured: speedRatio(steps, 'kd', 'kdlab wasm', 'PyTorch (1 thread, cached'), met: (value) => value >= 0.4 },
    { what: 'wasm CNN step vs PyTorch, 1 thread', goal: '>= 0.30x', measured: speedRatio(steps, 'cnn', 'kdlab wasm', 'PyTorch (1 thread'), met: (value) => value >= 0.3 },
    { what: 'tfjs-node KD step vs PyTorch, 1 thread (cached logits both)', goal: '>= 0.80x', measured: speedRatio(steps, 'kd', 'kdlab node (1 thread', 'PyTorch (1 thread, cached'), met: (value) => value >= 0.8 },
    { what: 'end-to-end sweep, wasm: wall time / PyTorch', goal: '<= 2.0x', measured: sweepRatio('kdlab run --backend wasm'), met: (value) => value <= 2 },
    { what: 'end-to-end sweep, tfjs-node: wall time / PyTorch', goal: '<= 1.0x', measured: sweepRatio('kdlab run --backend node'), met: (value) => value <= 1 },
    { what: 'KD step process peak RSS, kdlab wasm / PyTorch (teacher forward)', goal: '<= 1.2x', measured: kdPeakRatio(), met: (value) => value <= 1.2 },
  ];
  return markdownTable(
    ['target', 'goal', 'measured', 'met'],
    targets.map((target) => [target.what, target.goal, target.measured === undefined ? '-' : `${target.measured.toFixed(2)}x`, target.measured === undefined ? 'not measured' : target.met(target.measured) ? 'yes' : 'no']),
  );
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
  const check = checkPytorch(options.python);
  const pytorch = check.error === undefined;
  if (!pytorch) console.log(`PyTorch: not available (${check.error}); kdlab runs alone and no ratios are computed`);
  else {
    console.log(`PyTorch ${check.torch}, BLAS ${check.blas ?? 'none found'}`);
    if (check.optimizedBlas !== true) {
      console.log('WARNING: PyTorch is using the reference BLAS, about 10x slower than OpenBLAS: install it (apt-get install libopenblas0-pthread) for a fair peer.');
    }
  }
  console.log(`threads: kdlab wasm 1 (single-threaded by design); tfjs-node and PyTorch ${options.threads.join(' and ')} (torch.set_num_threads, OMP/OPENBLAS/MKL_NUM_THREADS, TensorFlow intra-op = inter-op)`);
  console.log(`\nsteps: batch 128, Adam 1e-3; ${options.rounds} alternating rounds of >= ${options.roundMs} ms and >= ${options.minSteps} steps per runner; each runner in its own process; best round's median step`);
  const steps = await runSteps(options, pytorch);
  const afterSteps = machineState();
  let sweeps: SweepResult[] = [];
  if (options.sweep) {
    console.log(`\nend-to-end sweep: 1 teacher (MLP 1200-1200) + per seed a baseline and 4 distilled students (MLP 800-800, T = 1, 2, 4, 8), 2 seeds, mnist-10k`);
    sweeps = await runSweeps(options, pytorch);
  }
  const after = machineState();
  console.log('\n## Steps\n');
  console.log(stepTable(steps, options));
  if (options.sweep) {
    console.log('\n## End-to-end sweep (best of rounds)\n');
    console.log(sweepTable(bestSweeps(sweeps)));
  }
  console.log('\n## Targets\n');
  console.log(targetTable(steps, bestSweeps(sweeps)));
  console.log('');
  printMachine('machine after the steps', afterSteps);
  printMachine('machine at the end', after);
  console.log(`bench took ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const jsonPath = resolve(ROOT, options.json);
  mkdirSync(dirname(jsonPath), { recursive: true });
  writeFileSync(jsonPath, `${JSON.stringify({ options, machine: { before, afterSteps, after }, pytorch: check, steps: Object.fromEntries(steps), sweeps }, null, 2)}\n`);
  console.log(`results: ${jsonPath}`);
}

await main();
