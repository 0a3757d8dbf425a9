/**
 * The line protocol between `bench/run.ts` and its step workers (kdlab's `bench/steps/kdlab-worker.ts`
 * and PyTorch's `bench/pytorch/step_worker.py`). Commands go to the worker's stdin, one per line:
 * `run <milliseconds> <min steps>` and `quit`. Every answer is one stdout line: {@link ANSWER_PREFIX}
 * followed by JSON; anything else a worker prints (TensorFlow's logs) is ignored.
 */

/** The prefix of a worker's answer lines. */
export const ANSWER_PREFIX = '@@bench ';

/** A worker's first answer: the workload is built and warmed up. */
export interface ReadyAnswer {
  /** Always `true`. */
  ready: true;
  /** What the workload trains, in words. */
  description: string;
  /** Examples per step. */
  batchSize: number;
  /** The framework, backend and thread counts, in words. */
  runtime: string;
}

/** The answer to `run`: the wall time of each step, and the processor time its process spent on it, in milliseconds. */
export interface TimesAnswer {
  /** Milliseconds per step, in order. */
  times: number[];
  /**
   * Processor milliseconds of the whole process per step (user + system, every thread: Node's
   * `process.cpuUsage`, Python's `time.process_time`), in order: what the step cost, whatever else
   * the machine ran meanwhile.
   */
  cpuTimes?: number[];
}

/** The answer to `quit`: the worker's memory, read from `/proc/self/status`. */
export interface MemoryAnswer {
  /** `VmHWM`: the peak resident set of the process, in KiB. */
  peakRssKb: number;
  /** `VmRSS`: the resident set now, in KiB. */
  rssKb: number;
}

/** Writes one answer line to stdout. */
export function sendAnswer(answer: ReadyAnswer | TimesAnswer | MemoryAnswer): void {
  process.stdout.write(`${ANSWER_PREFIX}${JSON.stringify(answer)}\n`);
}
