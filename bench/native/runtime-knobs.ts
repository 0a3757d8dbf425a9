/**
 * A/B of the Node and glibc runtime settings that move tfjs-node's peak memory (bench/native/MEMORY.md,
 * section 5): the bench's kdlab KD step (bundled worker, plain `node`, node backend, 1 thread) started
 * under each setting in turn, rounds alternating so that a drift of the machine's load hits every setting
 * alike. Prints, per setting, the median step time of each round and the peak resident set (`VmHWM`).
 *
 *   node --conditions=@kdlab/source --import tsx bench/native/runtime-knobs.ts [--rounds 3] [--budget 6000]
 *
 * Run it on a quiet machine: the step times are only comparable within one run.
 */
import { kdlabWorkerBundle } from '../steps/kdlab-worker-bundle.js';
import { StepWorkerClient } from '../steps/step-worker-client.js';
import { describeCpu, describeLoad, machineState } from '../system/machine.js';
import { parseFlags, positiveInteger } from '../flags.js';

const SCRIPT = 'bench/native/runtime-knobs.ts';

/** One runtime setting: extra `node` flags and environment variables. */
interface Setting {
  readonly label: string;
  readonly nodeFlags: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

const SETTINGS: readonly Setting[] = [
  { label: 'plain node', nodeFlags: [], env: {} },
  { label: 'MALLOC_ARENA_MAX=1', nodeFlags: [], env: { MALLOC_ARENA_MAX: '1' } },
  { label: 'node --max-semi-space-size=4', nodeFlags: ['--max-semi-space-size=4'], env: {} },
  { label: 'both', nodeFlags: ['--max-semi-space-size=4'], env: { MALLOC_ARENA_MAX: '1' } },
];

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function main(): Promise<void> {
  const flags = parseFlags({
    script: SCRIPT,
    command: `node --conditions=@kdlab/source --import tsx ${SCRIPT}`,
    summary: 'A/B of runtime settings (V8 semi-space, glibc arenas) on the KD step: step time and peak memory.',
    options: { rounds: { type: 'string', default: '3' }, budget: { type: 'string', default: '6000' } },
    describe: { rounds: 'alternating rounds per setting', budget: 'milliseconds of timed steps per round (at least 100 steps)' },
  } as const);
  const rounds = positiveInteger(SCRIPT, '--rounds', flags.rounds);
  const budget = positiveInteger(SCRIPT, '--budget', flags.budget);
  const bundle = kdlabWorkerBundle();
  const results = new Map<string, { medians: number[]; peaks: number[] }>(SETTINGS.map((setting) => [setting.label, { medians: [], peaks: [] }]));
  for (let round = 0; round < rounds; round++) {
    for (const setting of round % 2 === 0 ? SETTINGS : [...SETTINGS].reverse()) {
      const worker = new StepWorkerClient(setting.label, { command: process.execPath, args: [...setting.nodeFlags, bundle, '--workload', 'kd', '--backend', 'node', '--threads', '1'], env: { ...setting.env } }, process.cwd());
      await worker.ready();
      const { times } = await worker.run(budget, 100);
      const memory = await worker.quit();
      const result = results.get(setting.label)!;
      result.medians.push(median(times));
      result.peaks.push(memory.peakRssKb / 1024);
    }
  }
  console.log(`KD step, kdlab node backend, 1 thread, bundled worker; ${describeCpu(machineState())}; ${describeLoad(machineState())}; ${rounds} alternating rounds\n`);
  console.log('| setting | median ms/step per round | peak RSS MiB per round |');
  console.log('|---|---|---|');
  for (const [label, { medians, peaks }] of results) {
    console.log(`| ${label} | ${medians.map((value) => value.toFixed(1)).join(' / ')} | ${peaks.map((value) => value.toFixed(0)).join(' / ')} |`);
  }
}

await main();
