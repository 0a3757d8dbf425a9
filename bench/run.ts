/**
 * `npm run bench`: kdlab's training steps against the same models and losses in its peers (Debian's
 * PyTorch 1.13, PyTorch 2.13 and Keras 3's distiller on TensorFlow 2.21, the last two from a virtual
 * environment the bench installs offline), run in alternating rounds in one invocation, then the
 * end-to-end temperature sweep (`kdlab run` against each peer's sweep). Every figure is reported with
 * its spread over rounds, every ratio with an interval. See bench/README.md for the options, the method
 * and the figures.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeSettings, PEERS, peerLabel, type PeerStatus } from './peers/peers.js';
import { chooseSettings } from './peers/settings.js';
import { ensureVenv, type VenvGroup, type VenvStatus } from './peers/venv.js';
import { kernelTable, settingsProbeTable } from './report/kernel-table.js';
import { fixed, mebibytes } from './report/markdown.js';
import { formatSpread } from './report/stats.js';
import { stepRatioTable, stepTable } from './report/step-table.js';
import { sweepRatioTable, sweepTable } from './report/sweep-table.js';
import { targetTable } from './report/targets.js';
import { parseBenchOptions, type BenchOptions } from './run-options.js';
import type { StepWorkload } from './steps/kdlab-workloads.js';
import { participantsFor } from './steps/participants.js';
import { cpuSpread, measureWorkload, stepSpread, type ParticipantResult } from './steps/run-steps.js';
import { prepareCompiledCli } from './sweep/compiled-cli.js';
import { sweepContenders } from './sweep/contenders.js';
import { exportMnistSplit } from './sweep/export-split.js';
import { runSweep, type SweepResult } from './sweep/run-sweeps.js';
import { describeCpu, describeLoad, machineState, type MachineState } from './system/machine.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The peers asked for: the virtual environment made (once) for those that need it, each checked, its settings (OpenBLAS variables, malloc) chosen. */
async function preparePeers(options: BenchOptions): Promise<{ peers: PeerStatus[]; venv: VenvStatus }> {
  const groups = [...new Set(options.peers.map((id) => PEERS[id].venv).filter((group): group is VenvGroup => group !== undefined))];
  const venv = ensureVenv({ dir: resolve(ROOT, options.venv), creator: options.venvPython, findLinks: options.wheels, logDir: resolve(ROOT, dirname(options.json), 'logs') }, groups);
  const peers: PeerStatus[] = options.peers.map((id) => {
    const definition = PEERS[id];
    const status: PeerStatus = { definition, label: peerLabel(id, undefined) };
    if (definition.venv === undefined) status.python = options.python;
    else if (venv.groups[definition.venv]?.error !== undefined) status.error = venv.groups[definition.venv]!.error!;
    else status.python = venv.python!;
    return status;
  });
  for (const [group, state] of Object.entries(venv.groups)) {
    if (state.error === undefined) console.log(`  venv ${options.venv}: ${group} ${state.how} (${Object.entries(state.versions ?? {}).map(([name, version]) => `${name} ${version}`).join(', ')})`);
  }
  await chooseSettings(peers, { openblas: options.openblasEnv, malloc: options.peerMalloc, mkl: options.peerMkl }, { rounds: options.probeRounds, roundMs: Math.min(options.roundMs, 800), minSteps: 3 }, ROOT);
  for (const peer of peers) {
    if (peer.check !== undefined) peer.label = peerLabel(peer.definition.id, peer.check);
    if (peer.error !== undefined) {
      console.log(`  ${peer.label}: not run (${peer.error})`);
      continue;
    }
    const check = peer.check!;
    const kernels = [
      check.blasCore ? `OpenBLAS ${check.blasCore}` : undefined,
      check.mklCodePath ? `MKL: ${check.mklCodePath}` : undefined,
      check.onednnIsa ? `oneDNN: ${check.onednnIsa}` : undefined,
      check.cpuCapability ? `ATen ${check.cpuCapability}` : undefined,
    ].filter((text) => text !== undefined);
    console.log(`  ${peer.label}: ${check.framework ?? '?'} (${peer.python}); matrix products: ${check.blas ?? 'none found'}; ${kernels.join('; ')}; GEMM ${fixed(check.gemmGflops)} GFLOP/s`);
    console.log(`  ${''.padEnd(peer.label.length)}  its processes: ${describeSettings(peer.settings!)} (${peer.settings!.reason})`);
    if (check.optimizedBlas !== true) console.log(`WARNING: ${peer.label} uses the reference BLAS, about 10x slower than OpenBLAS: install it (apt-get install libopenblas0-pthread) for a fair peer.`);
    if (peer.definition.framework === 'keras' && check.distiller !== true) peer.error = 'this Keras has no keras.distillation.Distiller';
  }
  return { peers, venv };
}

async function runSteps(options: BenchOptions, peers: readonly PeerStatus[]): Promise<Map<StepWorkload, ParticipantResult[]>> {
  const results = new Map<StepWorkload, ParticipantResult[]>();
  const settings = { backends: options.backends, threads: options.threads, peers, tsx: import.meta.resolve('tsx') };
  for (const workload of options.only) {
    const measured = await measureWorkload(workload, participantsFor(workload, settings), options, ROOT);
    results.set(workload, measured);
    for (const result of measured) {
      const cpu = cpuSpread(result);
      const line =
        result.error !== undefined && result.roundMedians.length === 0
          ? `not run (${result.error})`
          : `${formatSpread(stepSpread(result))} ms/step, peak ${mebibytes(result.peakRssKb)} MiB${cpu === undefined ? '' : `, ${formatSpread(cpu)} CPU ms/step`}${result.error !== undefined ? ` (then failed: ${result.error})` : ''}`;
      console.log(`  ${workload.padEnd(11)} ${result.participant.label.padEnd(60)} ${line}`);
    }
    const described = measured.find((result) => result.description !== undefined);
    if (described?.description !== undefined) console.log(`  ${''.padEnd(11)} (${described.description})`);
  }
  return results;
}

async function runSweeps(options: BenchOptions, peers: readonly PeerStatus[]): Promise<SweepResult[]> {
  const workDir = mkdtempSync(join(tmpdir(), 'kdlab-bench-'));
  const logDir = resolve(ROOT, dirname(options.json), 'logs');
  mkdirSync(logDir, { recursive: true });
  try {
    const dataDir = join(workDir, 'mnist-10k');
    const trainCount = await exportMnistSplit(dataDir);
    const contenders = sweepContenders(options, workDir, dataDir, peers, prepareCompiledCli(ROOT));
    console.log(`  ${trainCount} training digits; teacher ${options.sweepTeacherEpochs} epochs, students ${options.sweepEpochs} epochs; ${options.sweepRounds} round(s); logs in ${logDir}`);
    const results: SweepResult[] = [];
    for (let round = 0; round < options.sweepRounds; round++) {
      for (let turn = 0; turn < contenders.length; turn++) {
        const contender = contenders[(turn + round) % contenders.length]!;
        const slug = contender.label.replace(/[^a-z0-9.]+/gi, '-').slice(0, 48);
        const result = { ...(await runSweep(contender, ROOT, logDir, `sweep-${slug}-round${round + 1}`)), round };
        results.push(result);
        const line =
          result.error !== undefined
            ? `failed (${result.error})`
            : `${fixed(result.seconds, 1)} s, peak ${mebibytes(result.peakTreeKb)} MiB (all processes), distilled test accuracy ${fixed(result.meanDistilledAccuracy, 3)}`;
        console.log(`  round ${round + 1}: ${contender.label.padEnd(72)} ${line}`);
      }
    }
    return results;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

function printMachine(label: string, state: MachineState): void {
  console.log(`${label}: ${describeLoad(state)}${state.uptime !== undefined ? ` (uptime: ${state.uptime})` : ''}`);
}

/** A report section: its title, the CPU line, the table. */
function section(title: string, cpu: string, table: string): string {
  return `\n## ${title}\n\n${cpu}\n\n${table}`;
}

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  const started = performance.now();
  const before = machineState();
  const cpu = describeCpu(before);
  console.log(`kdlab bench, ${new Date().toISOString()}`);
  console.log(cpu);
  printMachine('machine at start', before);
  console.log(`\npeers: ${options.peers.join(', ')}`);
  const { peers, venv } = await preparePeers(options);
  const running = peers.filter((peer) => peer.error === undefined);
  if (running.length === 0) console.log('no peer can run: kdlab runs alone and no ratios are computed');
  console.log(
    `threads: kdlab wasm 1 (single-threaded by design); tfjs-node and the peers ${options.threads.join(' and ')} ` +
      '(torch.set_num_threads, TensorFlow intra-op = inter-op, OMP/OPENBLAS/MKL_NUM_THREADS)',
  );
  console.log(
    `\nsteps: batch 128, Adam 1e-3; ${options.rounds} alternating rounds of >= ${options.roundMs} ms and >= ${options.minSteps} steps per runner; ` +
      "each runner in its own process; each figure: the median over rounds of the round's median step (min-max)",
  );
  const steps = await runSteps(options, running);
  const afterSteps = machineState();
  let sweeps: SweepResult[] = [];
  if (options.sweep) {
    console.log('\nend-to-end sweep: 1 teacher (MLP 1200-1200) + per seed a baseline and 4 distilled students (MLP 800-800, T = 1, 2, 4, 8), 2 seeds, mnist-10k');
    sweeps = await runSweeps(options, running);
  }
  const after = machineState();
  console.log(section('Peers and their kernels', cpu, kernelTable(peers)));
  console.log(section("The peers' settings probe (each peer's processes run with the fastest)", cpu, settingsProbeTable(peers)));
  console.log(section('Steps', cpu, stepTable(steps)));
  console.log(section('Step ratios (per-round ratios: median [95% bootstrap interval])', cpu, stepRatioTable(steps)));
  if (options.sweep) {
    console.log(section('End-to-end sweep', cpu, sweepTable(sweeps)));
    console.log(section('Sweep ratios (per-round ratios: median [95% bootstrap interval])', cpu, sweepRatioTable(sweeps)));
  }
  console.log(section('Targets (met only when the whole interval clears the goal)', cpu, targetTable({ steps, sweeps, peers: running.map((peer) => ({ id: peer.definition.id, label: peer.label })) })));
  console.log('');
  printMachine('machine after the steps', afterSteps);
  printMachine('machine at the end', after);
  console.log(`bench took ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const jsonPath = resolve(ROOT, options.json);
  mkdirSync(dirname(jsonPath), { recursive: true });
  const peerRecords = peers.map(({ definition, ...rest }) => ({ id: definition.id, description: definition.description, ...rest }));
  writeFileSync(jsonPath, `${JSON.stringify({ options, machine: { before, afterSteps, after }, venv, peers: peerRecords, steps: Object.fromEntries(steps), sweeps }, null, 2)}\n`);
  console.log(`results: ${jsonPath}`);
}

await main();
