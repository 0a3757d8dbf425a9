import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { processTree } from '../system/process-memory.js';

/** One process in one sample of a process tree. */
export interface ProcessSample {
  /** Its id. */
  pid: number;
  /** Its resident set now (`VmRSS`), KiB. */
  rssKb: number;
  /** Its peak resident set so far (`VmHWM`), KiB, where readable. */
  hwmKb?: number;
}

/** The most one process of the tree was seen to hold. */
export interface ProcessPeak {
  /** Its id. */
  pid: number;
  /** Its command line (shortened), as first seen. */
  command: string;
  /** The largest `VmRSS` sampled, KiB. */
  peakRssKb: number;
  /** The last `VmHWM` read (it only grows: the peak up to the last sample), KiB. */
  hwmKb?: number;
}

/** What the samples of a process tree add up to. */
export interface TreePeaks {
  /** The largest sum of the tree's `VmRSS` in one sample, KiB (a lower bound: peaks between samples are missed). */
  peakTotalKb: number;
  /** The largest peak of one process: its `VmHWM` where read, else its largest sampled `VmRSS`, KiB. */
  peakProcessKb: number;
  /** Samples taken. */
  samples: number;
  /** Each process seen, in the order first seen. */
  processes: ProcessPeak[];
}

/** Adds up samples of a process tree (no I/O: {@link TreeMemoryMonitor} reads `/proc`). */
export class TreePeakTracker {
  readonly #processes = new Map<number, ProcessPeak>();
  #peakTotalKb = 0;
  #samples = 0;

  /**
   * Takes one sample: the tree's processes at one moment.
   *
   * @param samples - Each process's figures.
   * @param commandOf - Its command line, asked once per new process.
   */
  add(samples: readonly ProcessSample[], commandOf: (pid: number) => string = () => ''): void {
    this.#samples++;
    let total = 0;
    for (const sample of samples) {
      total += sample.rssKb;
      const known = this.#processes.get(sample.pid);
      if (known === undefined) {
        this.#processes.set(sample.pid, { pid: sample.pid, command: commandOf(sample.pid), peakRssKb: sample.rssKb, ...(sample.hwmKb !== undefined ? { hwmKb: sample.hwmKb } : {}) });
        continue;
      }
      known.peakRssKb = Math.max(known.peakRssKb, sample.rssKb);
      if (sample.hwmKb !== undefined) known.hwmKb = Math.max(known.hwmKb ?? 0, sample.hwmKb);
    }
    this.#peakTotalKb = Math.max(this.#peakTotalKb, total);
  }

  /** The peaks so far. */
  peaks(): TreePeaks {
    const processes = [...this.#processes.values()].map((process) => ({ ...process }));
    const peakProcessKb = Math.max(0, ...processes.map((process) => Math.max(process.peakRssKb, process.hwmKb ?? 0)));
    return { peakTotalKb: this.#peakTotalKb, peakProcessKb, samples: this.#samples, processes };
  }
}

/** `VmRSS` and `VmHWM` from a `/proc/<pid>/status` text (KiB), or `undefined` without `VmRSS` (a zombie, a kernel thread). */
export function parseStatusMemory(pid: number, status: string): ProcessSample | undefined {
  const field = (name: string): number | undefined => {
    const match = new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status);
    return match === null ? undefined : Number(match[1]);
  };
  const rssKb = field('VmRSS');
  if (rssKb === undefined) return undefined;
  const hwmKb = field('VmHWM');
  return { pid, rssKb, ...(hwmKb !== undefined ? { hwmKb } : {}) };
}

function readSample(pid: number): ProcessSample | undefined {
  try {
    return parseStatusMemory(pid, readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined; // it ended between the listing and the read
  }
}

function childrenOf(pid: number): number[] {
  const children: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return children; // it ended
  }
  for (const task of tasks) {
    try {
      for (const child of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ')) if (child.trim() !== '') children.push(Number(child));
    } catch {
      // the thread ended
    }
  }
  return children;
}

/**
 * `root` and its descendants, from each thread's `/proc/<pid>/task/<tid>/children` (a few reads per
 * process, where bench/system/process-memory.ts's `processTree` reads every process's `stat`: ~10 ms
 * per sample here, too much every 100 ms on a 2-core machine); that where the kernel lacks the file.
 */
export function descendantsOf(root: number): number[] {
  if (!existsSync(`/proc/self/task/${process.pid}/children`)) return processTree(root);
  const tree = [root];
  for (let index = 0; index < tree.length; index++) tree.push(...childrenOf(tree[index]!));
  return tree;
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((part) => part !== '').join(' ').slice(0, 200);
  } catch {
    return '';
  }
}

/**
 * Samples a process tree's memory from `/proc` every `intervalMs`: the summed `VmRSS` of the root and
 * all its descendants, and each process's `VmHWM` (its own peak, which catches what falls between two
 * samples, up to the last sample before it exits). The tree itself is listed again every
 * `listEvery` samples (listing costs a few ms; reading the known processes' status, well under one).
 */
export class TreeMemoryMonitor {
  readonly #tracker = new TreePeakTracker();
  readonly #timer: NodeJS.Timeout;
  #tree: number[] = [];
  #count = 0;

  /**
   * @param root - The process whose tree is sampled.
   * @param intervalMs - The sampling period.
   * @param listEvery - List the tree's processes again every this many samples.
   */
  constructor(
    private readonly root: number,
    intervalMs = 100,
    private readonly listEvery = 10,
  ) {
    this.sample();
    this.#timer = setInterval(() => this.sample(), intervalMs);
  }

  /** Takes one sample now. */
  sample(): void {
    if (this.#count++ % this.listEvery === 0) this.#tree = descendantsOf(this.root);
    const samples = this.#tree.map(readSample).filter((sample): sample is ProcessSample => sample !== undefined);
    if (samples.length > 0) this.#tracker.add(samples, commandLine);
  }

  /** Stops sampling and answers the peaks. */
  stop(): TreePeaks {
    clearInterval(this.#timer);
    return this.#tracker.peaks();
  }
}
