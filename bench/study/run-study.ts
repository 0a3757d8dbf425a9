/**
 * `npm run bench:study`: the Hinton full-MNIST study (experiments/repro/hinton-mnist-full.ts) end to
 * end in kdlab (`kdlab run`, native backend), as a plain PyTorch 2 loop (repro/pytorch-twin) and with
 * Keras 3's Distiller (bench/study/keras_hinton_mnist_full.py), one contender after another: wall
 * time, peak memory and every run's test accuracy. Writes `.kdlab/bench/study-latest.json` and a
 * markdown table for bench/README.md ("Study-level comparison").
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { settingsOf } from '../peers/peers.js';
import { mebibytes } from '../report/markdown.js';
import { describeCpu, describeLoad, machineState } from '../system/machine.js';
import { runKerasCheck, type KerasCheck } from './keras-check.js';
import { kdlabVersion, prepareKdlab, type KdlabBuild } from './kdlab-build.js';
import { measureContender, type ContenderPlan } from './measure-contender.js';
import { kdlabLaunch, twinLaunch } from './study-contenders.js';
import { parseStudyOptions, type StudyOptions } from './study-options.js';
import { prepareTwinPeers } from './study-peers.js';
import type { ContenderResult, StudyReport } from './study-result.js';
import { ensureSplit } from './study-split.js';
import { studyMarkdown } from './study-table.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

function describeRuns(result: ContenderResult): string {
  if (result.error !== undefined) return `failed (${result.error})`;
  const accuracy = result.runs.map((run) => `${run.role}${run.temperature !== undefined ? ` T=${run.temperature}` : ''}${run.role === 'teacher' ? '' : ` s${run.seed}`} ${run.testAccuracy !== undefined ? (run.testAccuracy * 100).toFixed(2) : '-'}% (${run.meanEpochSeconds?.toFixed(2) ?? '-'} s/epoch)`);
  return `${result.seconds?.toFixed(1)} s, peak ${mebibytes(result.peakTreeKb)} MiB (all processes), ${mebibytes(result.peakProcessKb)} MiB (largest); ${accuracy.join(', ')}`;
}

async function plans(options: StudyOptions, dataDir: string): Promise<{ plans: ContenderPlan[]; kerasCheck?: KerasCheck | { error: string }; build?: KdlabBuild }> {
  const peers = await prepareTwinPeers(options, ROOT);
  let kerasCheck: KerasCheck | { error: string } | undefined;
  const keras = peers.get('keras');
  if (keras !== undefined && keras.error === undefined) {
    try {
      kerasCheck = await runKerasCheck(keras.python!, settingsOf(keras), ROOT);
      const loss = kerasCheck.loss.map((item) => `T=${item.temperature}: Distiller ${item.keras.toFixed(6)} vs numpy ${item.numpy.toFixed(6)} (rel. diff ${item.relative_difference.toExponential(1)})`).join('; ');
      console.log(`  Keras twin checks: ${kerasCheck.ok ? 'passed' : 'FAILED'}; loss ${loss}`);
    } catch (error) {
      kerasCheck = { error: (error as Error).message };
      console.log(`  Keras twin checks: ${kerasCheck.error}`);
    }
  }
  const build = options.contenders.includes('kdlab') ? prepareKdlab(ROOT, options.build) : undefined;
  if (build !== undefined) console.log(`  kdlab: ${build.reason}`);
  const list: ContenderPlan[] = [];
  for (const id of options.contenders) {
    const workDir = mkdtempSync(join(tmpdir(), `kdlab-study-${id}-`));
    if (id === 'kdlab') {
      list.push({ id, launch: kdlabLaunch(options, workDir, build!.fromDist), build: build!, kdlabVersion: kdlabVersion(ROOT) });
      continue;
    }
    const peer = peers.get(id)!;
    list.push({ id, launch: twinLaunch(id, peer.python ?? 'python3', settingsOf(peer), options, dataDir, workDir), peer });
  }
  return { plans: list, ...(kerasCheck !== undefined ? { kerasCheck } : {}), ...(build !== undefined ? { build } : {}) };
}

async function main(): Promise<void> {
  const options = parseStudyOptions(process.argv.slice(2));
  const startedAt = new Date().toISOString();
  const before = machineState();
  const cpu = describeCpu(before);
  console.log(`kdlab study-level comparison, ${startedAt}`);
  console.log(cpu);
  console.log(`machine at start: ${describeLoad(before)}`);
  const dataDir = resolve(ROOT, options.data);
  const trainCount = Math.min(ensureSplit(ROOT, dataDir), options.limitTrain ?? Number.POSITIVE_INFINITY);
  const prepared = await plans(options, dataDir);
  const logDir = resolve(ROOT, dirname(options.json), 'logs');
  mkdirSync(logDir, { recursive: true });
  console.log(
    `\nscale: teacher ${options.teacherEpochs} epochs, students ${options.studentEpochs} epochs, seeds ${options.seeds.join(',')}, T = ${options.temperatures.join(', ')}, ` +
      `${trainCount} training digits, ${options.threads} thread(s) each; contenders one after another: ${options.contenders.join(', ')}`,
  );
  const results: ContenderResult[] = [];
  for (const plan of prepared.plans) {
    if (plan.peer?.error !== undefined) {
      results.push({ id: plan.id, label: plan.peer.label, version: '-', how: '-', launch: plan.launch, runs: [], log: '-', error: `not run: ${plan.peer.error}` });
      console.log(`  ${plan.id}: not run (${plan.peer.error})`);
      continue;
    }
    const logPath = join(logDir, `study-${plan.id}.log`);
    console.log(`  ${plan.id}: ${plan.launch.command} ${plan.launch.args.join(' ')}  (log: ${logPath})`);
    const result = await measureContender(plan, ROOT, logPath, options.sampleMs);
    results.push(result);
    console.log(`  ${plan.id}: ${describeRuns(result)}`);
    if (options.keepWork) console.log(`  ${plan.id}: its folder kept: ${plan.launch.workDir}`);
    else rmSync(plan.launch.workDir, { recursive: true, force: true });
  }
  const after = machineState();
  const commit = gitCommit();
  const when = `${startedAt.slice(0, 16).replace('T', ' ')} UTC${commit !== undefined ? `, commit ${commit}` : ''}; ${describeLoad(before)} at the start, ${describeLoad(after).replace('load average ', '')} at the end.`;
  const markdown = studyMarkdown({ cpu, when, scale: options, threads: options.threads, trainCount, contenders: results });
  console.log(`\n${markdown}\n`);
  const report: StudyReport = {
    format: 'kdlab-study-bench/1',
    startedAt,
    ...(commit !== undefined ? { commit } : {}),
    options,
    machine: { before, after },
    ...(prepared.kerasCheck !== undefined ? { kerasCheck: prepared.kerasCheck } : {}),
    contenders: results,
    markdown,
  };
  const jsonPath = resolve(ROOT, options.json);
  const markdownPath = resolve(ROOT, options.markdown);
  mkdirSync(dirname(jsonPath), { recursive: true });
  mkdirSync(dirname(markdownPath), { recursive: true });
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(markdownPath, `${markdown}\n`);
  console.log(`results: ${jsonPath}\ntable: ${markdownPath}`);
  if (results.some((result) => result.error !== undefined)) process.exitCode = 1;
}

await main();
